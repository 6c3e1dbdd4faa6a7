# `make run`: set up and run the default workflow (+ HTML report).
# `make test`: set up and run the test suite.
PYTHON ?= python3
CORES ?= 2
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup tomtom run report test lint clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# janggu 0.10.2's wheel ships real Oct4/MafK ChIP-seq peaks (the TF panel's real data).
JANGGU := resources/downloads/janggu/janggu-0.10.2-py2.py3-none-any.whl
$(JANGGU): $(VENV)/.installed
	$(BIN)/python -c "from deepresolve.paper.tfpanel.data import fetch_janggu_wheel as f; f('$(@D)')"

setup: $(VENV)/.installed $(JANGGU)

# MEME 5.4.1 tomtom, built from source when it is not on PATH (about a minute).
tomtom: setup
	@command -v tomtom >/dev/null || PYTHON=$(BIN)/python bash envs/build_tomtom.sh .tools

run: setup tomtom
	$(BIN)/snakemake --cores $(CORES)
	$(BIN)/snakemake --cores $(CORES) --report results/report.html

test: setup tomtom
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/snakemake --lint

clean:
	rm -rf results logs .snakemake
