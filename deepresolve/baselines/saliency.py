"""Gradient baselines: the signed saliency map (Simonyan et al. 2014) and gradient x
input, on an intermediate layer (Table 1) or on the one-hot input (Fig 3).

The saliency is the gradient of one class *logit* (pre-sigmoid) with respect to the
layer or input, kept signed: the paper drops the usual absolute value so that negative
evidence shows. Gradient x input multiplies it elementwise by the activation (or the
one-hot input). Both are in logit units per unit of activation / logit units.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from deepresolve.baselines._running import as_batch, check_target, evaluating, module_dtype
from deepresolve.runtime import get_device


def _gradient(
    fn: nn.Module,
    x: np.ndarray | torch.Tensor,
    target: int,
    batch_size: int,
    device: str | torch.device | None,
    name: str,
) -> tuple[np.ndarray, np.ndarray]:
    """(d fn(x)[:, target] / dx, x), both ``(N, K, W)`` numpy in ``fn``'s dtype."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    device = get_device(device)
    xt = as_batch(x, name, module_dtype(fn))
    grads = []
    with evaluating(fn, device):
        for i in range(0, len(xt), batch_size):
            xb = xt[i : i + batch_size].to(device).requires_grad_(True)
            with torch.enable_grad():
                out = fn(xb)
                check_target(out, target)
                (g,) = torch.autograd.grad(out[:, target].sum(), xb)
            grads.append(g.detach().cpu())
    return torch.cat(grads).numpy(), xt.numpy()


def layer_saliency(
    head: nn.Module,
    h: np.ndarray | torch.Tensor,
    target: int = 0,
    batch_size: int = 256,
    device: str | torch.device | None = None,
) -> np.ndarray:
    """Signed gradient of logit ``target`` w.r.t. feature maps ``h`` ``(N, K, W)``.

    ``head`` maps ``(N, K, W)`` to logits ``(N, C)`` (dropout off). Returns ``(N, K, W)``
    in logit units per unit of activation.
    """
    return _gradient(head, h, target, batch_size, device, "h")[0]


def layer_gradient_x_input(
    head: nn.Module,
    h: np.ndarray | torch.Tensor,
    target: int = 0,
    batch_size: int = 256,
    device: str | torch.device | None = None,
) -> np.ndarray:
    """:func:`layer_saliency` times the activation ``h``: ``(N, K, W)``, logit units."""
    grad, ht = _gradient(head, h, target, batch_size, device, "h")
    return grad * ht


def input_saliency(
    model: nn.Module,
    x: np.ndarray | torch.Tensor,
    target: int = 0,
    batch_size: int = 256,
    device: str | torch.device | None = None,
) -> np.ndarray:
    """Signed gradient of logit ``target`` w.r.t. one-hot input ``x`` ``(N, 4, L)``.

    Every base gets a value, present or not. Returns ``(N, 4, L)``.
    """
    return _gradient(model, x, target, batch_size, device, "x")[0]


def input_gradient_x_input(
    model: nn.Module,
    x: np.ndarray | torch.Tensor,
    target: int = 0,
    batch_size: int = 256,
    device: str | torch.device | None = None,
) -> np.ndarray:
    """Input saliency times the one-hot input ``x``: ``(N, 4, L)``, nonzero only at the
    observed base of each position."""
    grad, xt = _gradient(model, x, target, batch_size, device, "x")
    return grad * xt
