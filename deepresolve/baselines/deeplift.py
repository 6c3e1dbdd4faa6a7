"""Exact DeepLIFT (rescale rule) on an intermediate layer or on one-hot input, through
tangermeme's ``deep_lift_shap``, with every result checked for summation-to-delta.

Why tangermeme and not captum: captum 0.9 routes max-pool differences back with
``max_unpool``, which *assigns* instead of accumulating, so with overlapping windows
(stride < kernel) contributions are dropped and the attributions no longer sum to
``f(x) - f(reference)``; tangermeme scatter-adds them (``tests/test_baselines_deeplift.py``
measures both). Neither library has a rule for ``nn.AdaptiveMaxPool1d`` (global max
pooling): it is then treated as linear, which happens to be exact for a reference that
is constant over positions (e.g. zeros) but not in general. :data:`DEEPLIFT_RULES` adds
the rescale rule for it; :func:`global_max_rule` can be registered for a custom module
that takes the max over the last axis.

Every call checks that, per sequence, the attributions sum to
``f(x) - mean_r f(reference_r)`` and raises if an operation without a DeepLIFT rule
broke this (register one through ``additional_nonlinear_ops``).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from deepresolve.baselines._running import (
    as_batch,
    check_target,
    evaluating,
    module_dtype,
    to_tensor,
)
from deepresolve.runtime import get_device

Rule = Callable[[nn.Module, tuple, tuple], tuple]


def _route_max(module: nn.Module, indices: torch.Tensor, grad_input: tuple, grad_output: tuple):
    """Rescale rule for a max over windows whose argmax positions are ``indices``.

    ``module.input`` ``(2N, K, W)`` and ``module.output`` hold the examples then their
    references (tangermeme's layout). Each output's change is split into the part won by
    the example's argmax and the part lost by the reference's argmax, scatter-added back to
    those positions and divided by the input change there. Where the input does not
    change, the routed change is provably zero, so the local gradient is used.
    """
    x = module.input
    shape = indices.shape
    y, y_ref = module.output.reshape(shape).chunk(2)
    y_max = torch.maximum(y, y_ref)
    routed = torch.cat([y_max - y_ref, y - y_max]) * grad_output[0].reshape(shape)
    flat = x.reshape(x.shape[0], x.shape[1], -1)
    unpooled = torch.zeros_like(flat).scatter_add_(-1, indices, routed)
    total = sum(unpooled.chunk(2))
    delta = torch.sub(*flat.chunk(2))
    still = delta == 0
    half = torch.where(
        still,
        grad_input[0].reshape(flat.shape).chunk(2)[0],
        total / delta.masked_fill(still, 1),
    )
    return (torch.cat([half, half]).reshape(grad_input[0].shape),)


def adaptive_maxpool1d_rule(module: nn.AdaptiveMaxPool1d, grad_input: tuple, grad_output: tuple):
    """tangermeme rule for ``nn.AdaptiveMaxPool1d`` on ``(N, K, W)`` inputs (any output size)."""
    _, indices = F.adaptive_max_pool1d(module.input, module.output_size, return_indices=True)
    return _route_max(module, indices, grad_input, grad_output)


def global_max_rule(module: nn.Module, grad_input: tuple, grad_output: tuple):
    """tangermeme rule for a custom module computing the max over the last axis of
    ``(N, K, W)``, returning ``(N, K)`` or ``(N, K, 1)``; register it for that class
    through ``additional_nonlinear_ops``."""
    x = module.input
    indices = x.reshape(x.shape[0], x.shape[1], -1).argmax(-1, keepdim=True)
    return _route_max(module, indices, grad_input, grad_output)


#: Rules added to tangermeme's built-in table (ReLU & co., MaxPool1d/2d, Softmax, ...).
DEEPLIFT_RULES: dict[type, Rule] = {nn.AdaptiveMaxPool1d: adaptive_maxpool1d_rule}


def _forward(
    fn: nn.Module, x: torch.Tensor, target: int, batch_size: int, device: torch.device
) -> torch.Tensor:
    """``fn(x)[:, target]`` for ``x`` ``(M, ...)`` on CPU, in batches; returns ``(M,)``."""
    outs = []
    with torch.no_grad(), evaluating(fn, device):
        for i in range(0, len(x), batch_size):
            out = fn(x[i : i + batch_size].to(device))
            check_target(out, target)
            outs.append(out[:, target].detach().cpu())
    return torch.cat(outs)


def summation_error(
    fn: nn.Module,
    x: np.ndarray | torch.Tensor,
    attributions: np.ndarray | torch.Tensor,
    references: np.ndarray | torch.Tensor,
    target: int = 0,
    batch_size: int = 256,
    device: str | torch.device | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Summation-to-delta check of attributions averaged over references.

    ``x`` ``(N, A, B)``, ``attributions`` ``(N, A, B)``, ``references`` ``(N, R, A, B)``.
    Returns ``(error, delta)``, both ``(N,)`` in logit units: ``delta = f(x) -
    mean_r f(ref_r)`` and ``error = |sum(attributions) - delta|``.
    """
    device = get_device(device)
    dtype = module_dtype(fn)
    xt = as_batch(x, "x", dtype)
    refs = to_tensor(references, dtype)
    if refs.ndim != 4 or refs.shape[0] != len(xt) or refs.shape[2:] != xt.shape[1:]:
        raise ValueError(
            f"references must have shape (N, R, {xt.shape[1]}, {xt.shape[2]}) with "
            f"N = {len(xt)}, got {tuple(refs.shape)}"
        )
    n, r = refs.shape[:2]
    f_x = _forward(fn, xt, target, batch_size, device)
    f_ref = _forward(fn, refs.reshape(n * r, *refs.shape[2:]), target, batch_size, device)
    delta = (f_x - f_ref.reshape(n, r).mean(1)).double().numpy()
    total = to_tensor(attributions, torch.float64).reshape(n, -1).sum(1).numpy()
    return np.abs(total - delta), delta


def _check_summation(
    fn, x, attr, refs, target, batch_size, device, rtol: float | None, what: str
) -> None:
    if rtol is None:
        return
    err, delta = summation_error(fn, x, attr, refs, target, batch_size, device)
    scale = 1.0 + np.abs(delta)
    bad = err > rtol * scale
    if bad.any():
        i = int(np.argmax(err / scale))
        raise RuntimeError(
            f"{what}: attributions do not sum to f(x) - f(reference) (sequence {i}: "
            f"error {err[i]:.3g} for a difference of {delta[i]:.3g}; {int(bad.sum())} of "
            f"{len(err)} sequences beyond rtol={rtol}). A module in the model has no DeepLIFT "
            "rule and was treated as linear; register one via additional_nonlinear_ops "
            "(e.g. {MyGlobalMax: deepresolve.baselines.global_max_rule})."
        )


def _tangermeme(
    fn: nn.Module,
    x: torch.Tensor,
    refs: torch.Tensor,
    target: int,
    batch_size: int,
    device: torch.device,
    additional_nonlinear_ops: dict[type, Rule] | None,
    raw: bool,
) -> torch.Tensor:
    """tangermeme's deep_lift_shap on ``x`` ``(n, A, B)`` with references ``(n, R, A, B)``."""
    from tangermeme.deep_lift_shap import deep_lift_shap

    ops = {**DEEPLIFT_RULES, **(additional_nonlinear_ops or {})}
    with warnings.catch_warnings():
        # Feature maps are not one-hot, and deltas are checked by _check_summation.
        warnings.filterwarnings("ignore", message=".*one-hot encoded.*")
        warnings.filterwarnings("ignore", message=".*Convergence deltas.*")
        return deep_lift_shap(
            fn,
            x,
            target=target,
            batch_size=batch_size,
            references=refs,
            n_shuffles=refs.shape[1],
            raw_outputs=raw,
            warning_threshold=float("inf"),
            additional_nonlinear_ops=ops,
            only_warn=True,
            device=device,
        )


def _check_common(fn: nn.Module, x: torch.Tensor, target: int, batch_size: int, device) -> None:
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    _forward(fn, x[:1], target, 1, device)  # validates output shape and target


def layer_deeplift(
    head: nn.Module,
    h: np.ndarray | torch.Tensor,
    target: int = 0,
    reference: np.ndarray | torch.Tensor | None = None,
    batch_size: int = 256,
    device: str | torch.device | None = None,
    additional_nonlinear_ops: dict[type, Rule] | None = None,
    check_rtol: float | None = 1e-3,
) -> np.ndarray:
    """DeepLIFT scores of feature maps ``h`` ``(N, K, W)`` for logit ``target`` of ``head``.

    ``reference``: ``None`` = all zeros, the state of a ReLU layer in which no filter
    fires, so a channel's score is its contribution relative to being silent (the
    Table 1 ranking asks which filters matter by being on); a ``(K, W)`` array used for
    every sequence (e.g. the body's output on an all-zero input, which is what DeepLIFT
    0.5's default input reference propagates to); or ``(N, R, K, W)``, ``R`` references per
    sequence whose scores are averaged (DeepSHAP). Returns ``(N, K, W)`` in logit units;
    each row sums to ``f(h) - mean_r f(ref_r)`` (checked to ``check_rtol * (1 + |delta|)``,
    ``None`` skips the check). ``batch_size`` counts (sequence, reference) pairs.
    """
    device = get_device(device)
    dtype = module_dtype(head)
    ht = as_batch(h, "h", dtype)
    n, k, w = ht.shape
    if reference is None:
        refs = torch.zeros(1, 1, k, w, dtype=dtype).expand(n, 1, k, w)
    else:
        ref = to_tensor(reference, dtype)
        if ref.shape == (k, w):
            refs = ref.expand(n, 1, k, w)
        elif ref.ndim == 4 and ref.shape[0] == n and ref.shape[2:] == (k, w) and ref.shape[1] > 0:
            refs = ref
        else:
            raise ValueError(
                f"reference must have shape ({k}, {w}) or ({n}, R, {k}, {w}), "
                f"got {tuple(ref.shape)}"
            )
    _check_common(head, ht, target, batch_size, device)
    r = refs.shape[1]
    step = max(1, batch_size // r)
    out = []
    for i in range(0, n, step):
        hb, rb = ht[i : i + step], refs[i : i + step]
        m = _tangermeme(head, hb, rb, target, batch_size, device, additional_nonlinear_ops, True)
        out.append(((hb[:, None] - rb) * m.to(dtype)).mean(1))
    attr = torch.cat(out).numpy()
    _check_summation(head, ht, attr, refs, target, batch_size, device, check_rtol, "layer_deeplift")
    return attr


def shuffle_references(x: np.ndarray, n_shuffles: int = 20, seed: int = 0) -> np.ndarray:
    """``n_shuffles`` uniform dinucleotide shuffles of each one-hot sequence ``(N, 4, L)``
    -> ``(N, n_shuffles, 4, L)``, via :func:`deepresolve.sequences.dinucleotide_shuffle`.

    Sequence ``i`` uses the seed ``(seed, i)``, so its shuffles do not depend on the
    other sequences or on batching. Sequences must not contain ``N``.
    """
    from deepresolve.sequences import dinucleotide_shuffle

    x = np.asarray(x)
    if n_shuffles < 1:
        raise ValueError(f"n_shuffles must be >= 1, got {n_shuffles}")
    if (x.sum(axis=1) != 1).any():
        raise ValueError(
            "references='shuffle' needs fully one-hot sequences (no N); "
            "use references='zeros' or pass a reference array"
        )
    out = np.empty((len(x), n_shuffles, *x.shape[1:]), dtype=x.dtype)
    for i in range(len(x)):
        rng = np.random.default_rng([seed, i])
        out[i] = dinucleotide_shuffle(np.repeat(x[i : i + 1], n_shuffles, axis=0), rng)
    return out


def input_deeplift(
    model: nn.Module,
    x: np.ndarray | torch.Tensor,
    target: int = 0,
    references: str | np.ndarray | torch.Tensor = "shuffle",
    n_shuffles: int = 20,
    seed: int = 0,
    batch_size: int = 256,
    device: str | torch.device | None = None,
    additional_nonlinear_ops: dict[type, Rule] | None = None,
    check_rtol: float | None = 1e-3,
) -> np.ndarray:
    """DeepLIFT/DeepSHAP scores of one-hot ``x`` ``(N, 4, L)`` for logit ``target``.

    ``references``: ``"shuffle"`` = ``n_shuffles`` uniform dinucleotide shuffles per
    sequence (:func:`shuffle_references`; dinuc-shuf, not tangermeme's shuffle, which
    reaches only a small, non-uniform part of the shuffle space), seeded by ``seed``;
    ``"zeros"`` = one all-zero reference; or an array ``(4, L)`` or ``(N, R, 4, L)``.
    Returns ``(N, 4, L)`` in logit units, nonzero only at the observed base, averaged over
    references; each row sums to ``f(x) - mean_r f(ref_r)`` (checked as in
    :func:`layer_deeplift`).
    """
    device = get_device(device)
    dtype = module_dtype(model)
    xt = as_batch(x, "x", dtype)
    n, a, length = xt.shape
    if a != 4 or not torch.all((xt == 0) | (xt == 1)) or (xt.sum(1) > 1).any():
        raise ValueError(
            f"x must be one-hot (N, 4, L) with values 0/1, got shape {tuple(xt.shape)}"
        )
    if isinstance(references, str):
        if references == "shuffle":
            refs = to_tensor(shuffle_references(xt.numpy(), n_shuffles, seed), dtype)
        elif references == "zeros":
            refs = torch.zeros(1, 1, 4, length, dtype=dtype).expand(n, 1, 4, length)
        else:
            raise ValueError(
                f"references must be 'shuffle', 'zeros' or an array, got {references!r}"
            )
    else:
        refs = to_tensor(references, dtype)
        if refs.shape == (4, length):
            refs = refs.expand(n, 1, 4, length)
        elif not (
            refs.ndim == 4
            and refs.shape[0] == n
            and refs.shape[1] > 0
            and refs.shape[2:] == (4, length)
        ):
            raise ValueError(
                f"references must have shape (4, {length}) or ({n}, R, 4, {length}), "
                f"got {tuple(refs.shape)}"
            )
    _check_common(model, xt, target, batch_size, device)
    step = max(1, batch_size // refs.shape[1])
    out = []
    for i in range(0, n, step):
        xb, rb = xt[i : i + step], refs[i : i + step]
        out.append(
            _tangermeme(model, xb, rb, target, batch_size, device, additional_nonlinear_ops, False)
        )
    attr = torch.cat(out).to(dtype).numpy()
    _check_summation(
        model, xt, attr, refs, target, batch_size, device, check_rtol, "input_deeplift"
    )
    return attr
