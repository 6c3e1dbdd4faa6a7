# `make run`: set up and run the default workflow (+ HTML report).
# `make test`: set up and run the test suite.
# `make test-slurm`: config/test.yaml through profiles/slurm on a throwaway one-node SLURM
#   cluster (installs Debian's SLURM and munge when missing: root or sudo; CI runs it).
PYTHON ?= python3
CORES ?= 2
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup janggu tomtom meme run report readme readme-check test test-slurm slurm-packages lint clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

setup: $(VENV)/.installed

# janggu 0.10.2's wheel (its Oct4/MafK ChIP-seq peaks are the TF panel's real data), fetched
# by the workflow's own rule (sha256-checked) into the default config's download folder,
# where tests/test_tfpanel_peaks.py finds it. The default run fetches it the same way.
janggu: setup
	$(BIN)/snakemake --cores 1 --nolock tfpanel_fetch_janggu

# MEME 5.4.1's tomtom and fimo, each built from source into .tools/bin when it is neither
# on PATH nor there (about a minute).
MEME_PROGRAMS := tomtom fimo
meme: setup
	@missing=$$(for p in $(MEME_PROGRAMS); do command -v $$p >/dev/null || \
		[ -x .tools/bin/$$p ] || echo $$p; done); \
	[ -z "$$missing" ] || PYTHON=$(BIN)/python bash envs/build_meme.sh .tools $$missing
tomtom: meme

run: setup meme
	$(BIN)/snakemake --cores $(CORES)
	$(BIN)/snakemake --cores $(CORES) --report results/report.html

# The README's results section from the default run's tables (results/), and its check.
readme: setup
	$(BIN)/python -m deepresolve.paper.summary results --update README.md

readme-check: setup
	$(BIN)/python -m deepresolve.paper.summary results --check README.md

test: setup meme janggu
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
	tests/test_e2e_deepsea.py tests/test_e2e_report.py tests/test_e2e_ascent.py
test-slurm: setup slurm-packages
	SLURM_NODE_CPUS=$$((2 * $$(nproc))) bash .ci/slurm_cluster.sh \
		$(BIN)/python -m pytest -q --slurm $(SLURM_TESTS)

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/snakemake --lint

clean:
	rm -rf results logs .snakemake
