"""lkip_helpers: everything the LKIP notebooks compute, in one tested package.

Modules, each with one job:
    paths       where data, notebooks and outputs live
    errors      the one exception users see, with file/row/column
    numbers     parsing printed numbers and Indonesian display formatting
    schema      every table and column, defined once
    loading     read a dataset folder into validated DataFrames
    completeness  what a draft dataset still lacks; blanks allowed only in drafts
    saving      write a dataset folder (canonical CSV), validated before it is put in place
    excel       the Excel workbook to fill (lkip template) and its import (lkip import)
    newyear     next year's draft from this year's dataset (lkip new --from)
    blank       a new agency from nothing (lkip new --agency --region)
    plausibility  values that load but look like slips (warnings)
    safe_yaml, safe_cells  reading YAML safely; cells that stay text in CSV/XLSX we hand out
    capaian     capaian maths, the agency's policy, averages, ordinal scale, efficiency
    kinerja     capaian per indicator, sasaran and year under the policy
    budget      the kode-rekening hierarchy and its roll-up
    audit       recompute every printed value (rule registry) and explain differences
    laporan     the report's structure from data (laporan.yml, sections present, numbering)
    reports     the LKIP tables rebuilt from data
    narrative   sentences chosen by the numbers
    charts      one chart style; colours from the configured scale
    pages       the chapters put on a page, section by section
    artifacts   what a notebook writes (tables, figures, the document stream)
    dokumen     the LKIP document: Word draft and PDF from the same stream
    build, runner  run the notebooks (locally, on Dask, on a cluster without a shared disk)
    overview    outputs/index.html: every agency-year compared
    cli         the ``lkip`` command
"""

__version__ = "0.1.0"
