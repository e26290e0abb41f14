"""The Dataset's typed table attributes: one for every table of schema.TABLES, and nothing else."""

from __future__ import annotations

import pandas as pd
import pytest

from lkip_helpers import paths
from lkip_helpers.data.loading import Dataset, TableAttribute, load_dataset
from lkip_helpers.data.schema import TABLES


def typed_tables() -> list[str]:
    return [name for name, value in vars(Dataset).items() if isinstance(value, TableAttribute)]


def test_one_typed_attribute_per_table():
    assert set(typed_tables()) == set(TABLES)
    assert typed_tables() == list(TABLES)  # written in the schema's order, so a reader finds them


def test_attributes_are_the_loaded_tables():
    ds = load_dataset(paths.DEFAULT_DATASET)
    for name in TABLES:
        assert getattr(ds, name) is ds.tables[name]
        assert isinstance(getattr(ds, name), pd.DataFrame)
    with pytest.raises(AttributeError):
        ds.not_a_table  # noqa: B018 — an unknown name is an error, not a table
