import os

# Keep torch single-threaded and deterministic in tests; the workflow sets its own threads.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import torch  # noqa: E402

torch.set_num_threads(1)

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402


def pytest_addoption(parser):
    parser.addoption(
        "--slurm",
        action="store_true",
        help="run the end-to-end workflow on the SLURM cluster that SLURM_CONF names, through "
        "profiles/slurm (`make test-slurm` starts one)",
    )


@pytest.fixture(scope="session")
def slurm_run(request, tmp_path_factory):
    """One run of ``config/test.yaml`` through profiles/slurm (``tests/slurm.py``)."""
    if not request.config.getoption("--slurm"):
        pytest.skip("needs a SLURM cluster: make test-slurm")
    from tests.slurm import run_on_slurm

    return run_on_slurm(tmp_path_factory.mktemp("slurm"))


@pytest.fixture(scope="session")
def e2e(request, tmp_path_factory) -> Path:
    """Results folder of one end-to-end run of ``config/test.yaml``: every final output.

    Shared by all ``tests/test_e2e_*.py``; the run happens once per session: locally, or
    with ``--slurm`` through the SLURM profile, so that the same content checks hold there.
    """
    from tests.workflow import snakemake

    if request.config.getoption("--slurm"):
        run = request.getfixturevalue("slurm_run")
        if run.returncode != 0:
            raise AssertionError(f"the run through profiles/slurm failed:\n{run.output[-8000:]}")
        return run.results
    if os.environ.get("DEEPRESOLVE_E2E_RESULTS"):  # a finished run of config/test.yaml, reused
        return Path(os.environ["DEEPRESOLVE_E2E_RESULTS"])
    base = tmp_path_factory.mktemp("e2e")
    results, logs = base / "results", base / "logs"
    snakemake(
        "--cores", "2", "--nolock", "--configfile", "config/test.yaml",
        "--config", f"results={results}", f"logs={logs}",
    )  # fmt: skip
    return results
