# `make run`: set up and run the default workflow (+ HTML report).
# `make test`: set up and run the test suite.
# `make test-slurm`: config/test.yaml through profiles/slurm on a throwaway one-node SLURM
#   cluster (installs Debian's SLURM and munge when missing: root or sudo; CI runs it).
PYTHON ?= python3
CORES ?= 2
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup tomtom run report test test-slurm slurm-packages lint clean

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

# Debian's SLURM 22.05 and munge, only when missing.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
slurm-packages:
	@command -v slurmctld >/dev/null && command -v slurmd >/dev/null && \
	command -v sbatch >/dev/null && command -v munged >/dev/null || { \
	$(SUDO) apt-get update -qq && \
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		slurmctld slurmd slurm-client munge; }

# The cluster lives for the pytest run only (.ci/slurm_cluster.sh stops it by pid). Its
# node declares two CPUs per core: every SLURM job starts its own Snakemake (seconds of
# start-up), so twice as many small jobs overlap their start-up and waits (1.5x faster).
SLURM_TESTS := tests/test_slurm.py tests/test_e2e_synthetic.py tests/test_e2e_tfpanel.py \
	tests/test_e2e_deepsea.py tests/test_e2e_ascent.py
test-slurm: setup slurm-packages
	SLURM_NODE_CPUS=$$((2 * $$(nproc))) bash .ci/slurm_cluster.sh \
		$(BIN)/python -m pytest -q --slurm $(SLURM_TESTS)

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/snakemake --lint

clean:
	rm -rf results logs .snakemake
