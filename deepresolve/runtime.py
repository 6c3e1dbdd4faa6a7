"""Where and how computations run: device choice, thread count, seeding."""

from __future__ import annotations

import os
import platform
import random

import numpy as np
import torch


def get_device(device: str | torch.device | None = None) -> torch.device:
    """``None``/``"auto"`` -> CUDA when available, else CPU; otherwise ``torch.device(device)``."""
    if device is None or device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    device = torch.device(device)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device={str(device)!r} requested but CUDA is not available")
    return device


def provenance(device: str | torch.device, precision: str = "float32") -> dict[str, str]:
    """Where and how numbers were computed, for the files that hold them: ``device``
    (``"cpu"``, ``"cuda:0"``), ``device_name`` (the GPU's or the CPU's), ``precision`` of the
    arithmetic and the ``torch`` version. Results differ between devices and precisions."""
    device = torch.device(device)
    if device.type == "cuda":
        name = torch.cuda.get_device_name(device)
    else:
        name = platform.processor() or platform.machine() or "cpu"
    return {
        "device": str(device),
        "device_name": name,
        "precision": str(precision),
        "torch": str(torch.__version__),
    }


def set_threads(n: int) -> None:
    """Make torch (and BLAS through the environment) use ``n`` CPU threads."""
    n = max(1, int(n))
    torch.set_num_threads(n)
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMBA_NUM_THREADS"):
        os.environ[var] = str(n)


def seed_everything(seed: int) -> np.random.Generator:
    """Seed Python, NumPy and torch; return a NumPy Generator for explicit use."""
    random.seed(seed)
    np.random.seed(seed % 2**32)  # noqa: NPY002 - for libraries using the global RNG
    torch.manual_seed(seed)
    return np.random.default_rng(seed)
