import os

# Keep torch single-threaded and deterministic in tests; the workflow sets its own threads.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import torch  # noqa: E402

torch.set_num_threads(1)
