"""Where and how computations run: device choice, thread count, seeding."""

from __future__ import annotations

import contextlib
import copy
import os
import platform
import random
from collections.abc import Iterator

import numpy as np
import torch
from torch import nn


def get_device(device: str | torch.device | None = None) -> torch.device:
    """``None``/``"auto"`` -> CUDA when available, else CPU; otherwise ``torch.device(device)``,
    checked to hold data (``meta`` does not; an absent CUDA device is refused)."""
    if device is None or device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        device = torch.device(device)
    except (RuntimeError, TypeError) as err:
        raise ValueError(f"device={device!r} is not a torch device: {err}") from err
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device={str(device)!r} requested but CUDA is not available")
    if device.type == "meta":
        raise ValueError("device='meta' holds no values: choose 'cpu' or 'cuda'")
    try:
        torch.empty(1, device=device)
    except (RuntimeError, AssertionError) as err:
        raise ValueError(f"device={str(device)!r} cannot hold tensors here: {err}") from err
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


def _on(module: nn.Module, device: torch.device) -> bool:
    tensors = [*module.parameters(), *module.buffers()]
    return all(_same_device(t.device, device) for t in tensors)


def _same_device(a: torch.device, b: torch.device) -> bool:
    if a.type != b.type:
        return False
    default = torch.cuda.current_device() if a.type == "cuda" else None
    return (default if a.index is None else a.index) == (default if b.index is None else b.index)


@contextlib.contextmanager
def on_device(module: nn.Module, device: str | torch.device) -> Iterator[nn.Module]:
    """``module`` ready to run on ``device`` in eval mode, without side effects: the module
    itself when it is already there, else a copy moved there (the caller's stays where it
    is); every submodule's own train/eval mode is restored on exit."""
    device = get_device(device)
    run = module if _on(module, device) else copy.deepcopy(module).to(device)
    modes = [(m, m.training) for m in run.modules()]
    run.eval()
    try:
        yield run
    finally:
        for m, mode in modes:
            m.training = mode


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
