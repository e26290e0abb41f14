"""pyproject.toml and environment.yml ask for the same packages with the same bounds."""

import re

import tomllib
import yaml

from lkip_helpers import paths


def _norm(spec: str) -> tuple[str, str]:
    m = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", spec.strip())
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject():
    pyproject = tomllib.loads((paths.PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = dict(_norm(s) for s in pyproject["project"]["dependencies"])
    wanted |= dict(_norm(s) for s in pyproject["project"]["optional-dependencies"]["test"])
    env = yaml.safe_load((paths.PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8"))
    specs = [_norm(s) for s in env["dependencies"] if isinstance(s, str)]
    conda = dict(s for s in specs if s[0] not in ("python", "pip"))  # by name: python-docx is a package
    assert conda == wanted
    pip_section = next(d for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_section["pip"]  # installs lkip_helpers and the `lkip` command


def test_console_script_declared():
    pyproject = tomllib.loads((paths.PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["scripts"]["lkip"] == "lkip_helpers.cli:entry"


def test_console_entry_returns_the_exit_code_of_main(capsys):
    import gc

    from lkip_helpers import cli

    try:
        assert cli.entry(["--help"]) == 0
        assert cli.entry(["build", "--jobs", "nol"]) == 2  # a bad argument: the code main gives
    finally:
        gc.unfreeze()
    assert "lkip" in capsys.readouterr().out
