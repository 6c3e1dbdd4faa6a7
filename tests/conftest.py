import os

# Keep torch single-threaded and deterministic in tests; the workflow sets its own threads.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import torch  # noqa: E402

torch.set_num_threads(1)

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def e2e(tmp_path_factory) -> Path:
    """Results folder of one end-to-end run of ``config/test.yaml``: every final output.

    Shared by all ``tests/test_e2e_*.py``; the run happens once per session.
    """
    from tests.workflow import snakemake

    base = tmp_path_factory.mktemp("e2e")
    results, logs = base / "results", base / "logs"
    snakemake(
        "--cores", "2", "--nolock", "--configfile", "config/test.yaml",
        "--config", f"results={results}", f"logs={logs}",
    )  # fmt: skip
    return results
