"""Running a module for attribution: eval mode on a device, restored afterwards."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np
import torch
from torch import nn


@contextlib.contextmanager
def evaluating(module: nn.Module, device: torch.device) -> Iterator[nn.Module]:
    """Yield ``module`` in eval mode on ``device``; put back its mode and device after."""
    was_training = module.training
    try:
        old_device = next(module.parameters()).device
    except StopIteration:
        old_device = None
    module.eval().to(device)
    try:
        yield module
    finally:
        module.train(was_training)
        if old_device is not None:
            module.to(old_device)


def module_dtype(module: nn.Module) -> torch.dtype:
    """Floating dtype of ``module``'s parameters (float32 if it has none)."""
    for p in module.parameters():
        if p.is_floating_point():
            return p.dtype
    return torch.float32


def to_tensor(a: np.ndarray | torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """A detached CPU tensor of ``dtype`` (no copy when already one)."""
    t = a if isinstance(a, torch.Tensor) else torch.as_tensor(np.asarray(a))
    return t.detach().to("cpu", dtype)


def as_batch(x: np.ndarray | torch.Tensor, name: str, dtype: torch.dtype) -> torch.Tensor:
    """``x`` as a CPU tensor ``(N, K, W)`` of ``dtype``; raises naming ``name`` otherwise."""
    t = to_tensor(x, dtype)
    if t.ndim != 3:
        raise ValueError(f"{name} must have shape (N, K, W), got {tuple(t.shape)}")
    if t.shape[0] == 0:
        raise ValueError(f"{name} is empty (N = 0)")
    return t


def check_target(out: torch.Tensor, target: int, name: str = "model") -> None:
    """Raise unless ``out`` is ``(B, C)`` logits with ``0 <= target < C``."""
    if out.ndim != 2:
        raise ValueError(f"{name} must return logits of shape (N, C), got {tuple(out.shape)}")
    if not 0 <= int(target) < out.shape[1]:
        raise ValueError(f"target={target} out of range for {name} with {out.shape[1]} outputs")
