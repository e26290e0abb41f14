# Two commands set everything up on a fresh machine:
#   make report   create .venv, install, build the default dataset into outputs/pmd-ntt-2023/
#   make test     create .venv, install, run ruff and every test (what CI runs)
#   make check    ruff plus the fast tests: the inner loop while changing code (under a minute)
#   make lab      JupyterLab on notebooks/ with the project's kernel (python3 from .venv); PORT=, ARGS=
# Windows/Anaconda users: see README (conda env create -f environment.yml, then lkip build).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DATASET ?= pmd-ntt-2023
STAMP  := $(VENV)/.installed

.PHONY: report test check lint lab validate clean bench browser

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	$(BIN)/python -m ipykernel install --prefix $(VENV) --name python3 --display-name "Python 3 (lkip)" >/dev/null
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/lkip build $(DATASET)

# the browser tests drive Debian's chromium (Playwright's own browser download is never used)
browser:
	command -v chromium >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# make check first (ruff and the fast tests, under a minute: a mistake shows before any build starts),
# then the rest: together each test exactly once. The slow tests spread over the cores too, a test file
# per process (--dist loadfile: a file's fixtures are made once), the longest files first (conftest.py
# LONGEST_FIRST; --no-loadscope-reorder keeps that order); builds that many files read are made once per
# run (tests/conftest.py, made_once)
test: check browser
	$(BIN)/python -m pytest -m "slow or browser" -p no:cacheprovider -n auto --dist loadfile --no-loadscope-reorder --durations=15

# slow = real builds, kernels, generated cases; browser = chromium (both run in make test only)
# -n auto: one pytest worker per core (pytest-xdist); the fast tests share no files, ports or state
check: lint
	$(BIN)/python -m pytest -m "not slow and not browser" -p no:cacheprovider -n auto

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_build.py

validate: $(STAMP)
	$(BIN)/lkip validate $(DATASET)

# PORT=8899 serves on that port; ARGS="--no-browser ..." passes further flags to jupyter lab.
# As root (a container), jupyter refuses to start without --allow-root: it is added then.
lab: $(STAMP)
	port='$(PORT)'; root=; [ "$$(id -u)" != 0 ] || root=--allow-root; \
	$(BIN)/jupyter lab notebooks/ --config=tools/jupyter_server_config.py $$root $${port:+--port=$$port} $(ARGS)

clean:
	rm -rf $(VENV) outputs
