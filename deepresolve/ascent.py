"""Feature-map gradient ascent, batched over classes x random starts.

For each class ``c`` and start ``t`` DeepResolve finds

    H_ct = argmax_H  S_c(H) - l2 * ||H||_2^2,     H in R^{K x W}, H_ct(0) ~ N(0, 1) or U(0, 1)

where ``S_c`` is the pre-sigmoid/softmax score of class ``c`` computed by the *head* of
the network (the layers after the analysed one). All (class, start) pairs are rows of one
tensor ``(B, K, W)`` and are optimised together; rows are independent, so the gradient of
the summed objective is each row's own gradient. Two optimisers:

- ``"adam"`` (default): Adam; when a row's objective has not improved for ``patience``
  steps its step size is halved, and after ``n_halvings`` such plateaus the row is converged
  and frozen.
- ``"plain"``: the authors' optimiser (their published code): ``H += lr_i * grad`` with
  ``lr_i = lr`` for steps ``i <= 500`` and ``lr * (i - 500) ** -0.2`` after, floored at
  ``1e-6``; a row stops at its first plateau of ``patience`` (10) steps, or at ``steps``
  (10,000).

The best iterate of each row is kept (the authors' code kept the last iterate and the best
logit; with a plateau stop the two differ by at most ``patience`` steps of a converged run).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from deepresolve.ofiv import summarize
from deepresolve.resolution import Resolution
from deepresolve.runtime import get_device


@dataclass
class AscentResult:
    """Per row: best feature map ``h (B, K, W)``, its score ``(B,)``, objective ``(B,)``,
    steps taken ``(B,)`` and whether the plateau criterion stopped it ``(B,)``."""

    h: torch.Tensor | None
    score: torch.Tensor
    objective: torch.Tensor
    n_steps: torch.Tensor
    converged: torch.Tensor

    def to(self, device: str | torch.device) -> AscentResult:
        return AscentResult(*(getattr(self, f).to(device) for f in self.__dataclass_fields__))


OPTIMIZERS = ("adam", "plain")
INITS = ("normal", "uniform")
# Each optimiser's own defaults for the arguments left as None.
_DEFAULTS = {
    "adam": dict(steps=1000, patience=20, n_halvings=6),
    "plain": dict(steps=10_000, patience=10, n_halvings=1),
}
PLAIN_DECAY_START, PLAIN_DECAY_POWER, PLAIN_MIN_RATE = 500, 0.2, 1e-6


def optimizer_defaults(
    optimizer: str, steps: int | None, patience: int | None, n_halvings: int | None
) -> dict[str, int]:
    """``steps``, ``patience`` and ``n_halvings`` with ``None`` replaced by the optimiser's
    own default (adam: 1000, 20, 6; plain, the authors': 10,000, 10, 1)."""
    if optimizer not in _DEFAULTS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}")
    given = dict(steps=steps, patience=patience, n_halvings=n_halvings)
    out = {k: int(v if v is not None else _DEFAULTS[optimizer][k]) for k, v in given.items()}
    bad = {k: v for k, v in out.items() if v < 1}
    if bad:
        raise ValueError(f"steps, patience and n_halvings must be >= 1; got {bad}")
    return out


def plain_rate(step: int, lr: float) -> float:
    """Step size of the authors' plain ascent at update ``step`` (1-based): ``lr`` up to
    step 500, then ``lr * (step - 500) ** -0.2``, never below ``1e-6``."""
    if step <= PLAIN_DECAY_START:
        return max(lr, PLAIN_MIN_RATE)
    return max(lr * (step - PLAIN_DECAY_START) ** -PLAIN_DECAY_POWER, PLAIN_MIN_RATE)


def class_scorer(head: nn.Module):
    """``(h (B, K, W), targets (B,)) -> (B,)``: each row's score of its own class.

    Uses ``head.class_scores(h, targets)`` when the head defines it (e.g. a panel of
    independent models, where evaluating every model on every row would cost ``E**2``),
    else ``head(h)[arange(B), targets]``.
    """
    hook = getattr(head, "class_scores", None)
    if callable(hook):
        return hook

    def scores(h: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        return head(h)[torch.arange(len(targets), device=h.device), targets]

    return scores


def ascend(
    head: nn.Module,
    h0: torch.Tensor,
    targets: torch.Tensor,
    l2: float = 1.0,
    steps: int | None = None,
    lr: float = 0.1,
    patience: int | None = None,
    tol: float = 1e-8,
    n_halvings: int | None = None,
    progress: bool = False,
    optimizer: str = "adam",
) -> AscentResult:
    """Maximise ``head(h)[b, targets[b]] - l2 * ||h_b||^2`` for every row ``b`` of ``h0``.

    ``h0``: initial feature maps ``(B, K, W)`` on the head's device; ``targets``: output
    column of each row ``(B,)``. ``optimizer``: ``"adam"`` or ``"plain"`` (the authors'
    decaying-rate gradient ascent, see the module docstring). A plateau is ``patience``
    consecutive steps in which the row's objective did not beat its best by more than
    ``tol * max(1, |best|)``; each plateau halves the row's step size, and the
    ``n_halvings``-th one freezes the row. ``steps``, ``patience``, ``n_halvings``: ``None``
    = the optimiser's default (:func:`optimizer_defaults`). If the head defines
    ``class_scores(h, targets) -> (B,)`` it is used instead of ``head(h)`` (:func:`class_scorer`).
    """
    opts = optimizer_defaults(optimizer, steps, patience, n_halvings)
    steps, patience, n_halvings = opts["steps"], opts["patience"], opts["n_halvings"]
    score_of = class_scorer(head)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    h = h0.detach().clone()
    n = len(h)
    device = h.device
    m, v = (torch.zeros_like(h), torch.zeros_like(h)) if optimizer == "adam" else (None, None)
    best_obj = torch.full((n,), -math.inf, device=device)
    best_score = torch.zeros(n, device=device)
    best_h = h.clone()
    stale = torch.zeros(n, dtype=torch.long, device=device)
    halvings = torch.zeros(n, dtype=torch.long, device=device)
    active = torch.ones(n, dtype=torch.bool, device=device)
    n_steps = torch.zeros(n, dtype=torch.long, device=device)
    shape = (-1,) + (1,) * (h.ndim - 1)
    for step in tqdm(range(1, steps + 2), desc="ascent", leave=False, disable=not progress):
        h.requires_grad_(True)
        score = score_of(h, targets)
        obj = score - l2 * h.pow(2).flatten(1).sum(1)
        (grad,) = torch.autograd.grad(obj.sum(), h)
        h, obj, score = h.detach(), obj.detach(), score.detach()
        if not torch.isfinite(obj).all():
            bad = int(torch.nonzero(~torch.isfinite(obj))[0])
            raise ValueError(
                f"non-finite objective at ascent step {step} (row {bad}, class "
                f"{int(targets[bad])}): the head produced {float(score[bad])}; "
                "check the model, or lower lr / raise l2"
            )
        margin = torch.where(torch.isinf(best_obj), 0.0, tol * best_obj.abs().clamp_min(1.0))
        better = active & (obj > best_obj + margin)
        keep = (obj > best_obj) & active
        best_obj = torch.where(keep, obj, best_obj)
        best_score = torch.where(keep, score, best_score)
        best_h[keep] = h[keep]
        stale = torch.where(better, torch.zeros_like(stale), stale + 1)
        plateau = active & (stale >= patience)
        halvings += plateau
        stale[plateau] = 0
        active &= halvings < n_halvings
        if step > steps or not active.any():
            break
        # Ascent step; frozen rows stay where they are.
        if optimizer == "adam":
            m.mul_(beta1).add_(grad, alpha=1 - beta1)
            v.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
            direction = (m / (1 - beta1**step)) / ((v / (1 - beta2**step)).sqrt() + eps)
            rate = lr * torch.pow(0.5, halvings.to(h.dtype)) * active
        else:
            direction = grad
            rate = plain_rate(step, lr) * torch.pow(0.5, halvings.to(h.dtype)) * active
        h = h + rate.view(shape) * direction
        n_steps += active
    return AscentResult(best_h, best_score, best_obj, n_steps, ~active)


def resolve(
    head: nn.Module,
    feature_shape: Sequence[int],
    classes: Sequence[int] | None = None,
    n_init: int = 10,
    l2: float = 1.0,
    steps: int | None = None,
    lr: float = 0.1,
    seed: int = 0,
    device: str | torch.device | None = None,
    batch_size: int | None = None,
    *,
    optimizer: str = "adam",
    init: str = "normal",
    patience: int | None = None,
    tol: float = 1e-8,
    n_halvings: int | None = None,
    max_components: int = 3,
    keep_fims: bool = True,
    class_names: Sequence[str] | None = None,
    progress: bool = True,
) -> Resolution:
    """Run DeepResolve on ``head`` for the requested classes.

    Parameters
    ----------
    head
        Module mapping feature maps ``(N, K, W)`` to class logits ``(N, C)`` (scores before
        sigmoid/softmax). It runs in eval mode (dropout off; its mode is restored
        afterwards) and is moved to ``device``. If it defines ``class_scores(h (B, K, W),
        targets (B,)) -> (B,)``, the ascent calls that to score each row on its own class
        only (``head(h)`` is still called once to count the outputs).
    feature_shape
        ``(K, W)``: channels and width of the analysed layer (``W = 1`` after global pooling).
    classes
        Output columns to resolve (default: all ``C``).
    n_init
        Random starts per class (``T``); at least 2, since the inconsistency level is a
        variance over starts.
    l2, steps, lr
        L2 penalty ``lambda``, maximum number of ascent steps (``None``: 1000 for adam,
        10,000 for plain), initial step size.
    seed
        Seed of the starts; the starts do not depend on ``device`` or ``batch_size``.
    batch_size
        Rows (class x start pairs) optimised at once; ``None`` = all. Bounds memory only.
    optimizer
        ``"adam"`` (default) or ``"plain"``: the authors' gradient ascent ``H += lr_i *
        grad`` with ``lr_i = lr * (i - 500) ** -0.2`` after step 500 (floored at 1e-6),
        stopped after ``patience`` (10) steps without improvement or ``steps`` (10,000).
        Either way the best iterate of each start is kept (the authors' code kept the last
        iterate and the best logit).
    init
        Starting distribution: ``"normal"`` ``N(0, 1)`` (default) or ``"uniform"``
        ``U(0, 1)``.
    patience, tol, n_halvings
        Plateau criterion: each plateau halves a start's step size, the ``n_halvings``-th
        stops it (see :func:`ascend`). ``None``: the optimiser's default (adam: 20 steps,
        6 plateaus; plain: 10 steps, 1 plateau).
    max_components
        GMM component counts tried on each class's IL values (1..max_components, BIC).
    keep_fims
        Keep the full ``(C, T, K, W)`` maps (set False to save memory for large models).

    Returns
    -------
    Resolution with FIMs, FIVs, scores, trial weights, IL, GMM choice, non-additive
    channels and OFIVs.
    """
    opts = optimizer_defaults(optimizer, steps, patience, n_halvings)
    steps, patience, n_halvings = opts["steps"], opts["patience"], opts["n_halvings"]
    k, w = _check_args(feature_shape, n_init, l2, lr, steps, batch_size)
    if init not in INITS:
        raise ValueError(f"init must be one of {INITS}, got {init!r}")
    device = get_device(device)
    was_training = head.training
    head = head.eval().to(device)
    try:
        classes = _check_classes(classes, _probe_outputs(head, k, w, device), class_names)
        n_cls = len(classes)
        h0 = random_starts(n_cls * n_init, k, w, init, seed)
        targets = torch.as_tensor(np.repeat(classes, n_init))
        chunk = len(h0) if batch_size is None else batch_size
        parts, fivs_parts = [], []
        starts = range(0, len(h0), chunk)
        for start in tqdm(starts, desc="DeepResolve", disable=not progress or len(starts) == 1):
            rows = slice(start, start + chunk)
            res = ascend(
                head, h0[rows].to(device), targets[rows].to(device), l2=l2, steps=steps,
                lr=lr, patience=patience, tol=tol, n_halvings=n_halvings, progress=progress,
                optimizer=optimizer,
            )  # fmt: skip
            res = res.to("cpu")
            fivs_parts.append(res.h.mean(dim=2))  # FIV: spatial mean of the FIM
            if not keep_fims:
                res.h = None  # free the maps chunk by chunk
            parts.append(res)
    finally:
        head.train(was_training)

    def gather(name: str, *shape: int) -> np.ndarray:
        return torch.cat([getattr(p, name) for p in parts]).view(n_cls, n_init, *shape).numpy()

    fims = gather("h", k, w).astype(np.float32) if keep_fims else None
    scores = gather("score").astype(np.float64)
    fivs = torch.cat(fivs_parts).view(n_cls, n_init, k).numpy().astype(np.float32)
    summary = summarize(fivs, scores, max_components=max_components, seed=seed)
    params = dict(
        feature_shape=[k, w], n_init=n_init, l2=l2, steps=steps, lr=lr, seed=seed,
        batch_size=batch_size, patience=patience, tol=tol, n_halvings=n_halvings,
        max_components=max_components, optimizer=optimizer, init=init, device=str(device),
    )  # fmt: skip
    return Resolution(
        fims=fims,
        fivs=fivs,
        scores=scores,
        weights=summary.weights,
        il=summary.il,
        n_components=summary.n_components,
        bic=summary.bic,
        nonadditive=summary.nonadditive,
        ofiv=summary.ofiv,
        classes=classes,
        converged=gather("converged"),
        n_steps=gather("n_steps"),
        class_names=None if class_names is None else np.asarray(class_names, dtype=str),
        params=params,
    )


def random_starts(n: int, k: int, w: int, init: str = "normal", seed: int = 0) -> torch.Tensor:
    """Starting feature maps ``(n, k, w)`` on the CPU: ``N(0, 1)`` or ``U(0, 1)``, seeded."""
    gen = torch.Generator().manual_seed(seed)
    if init == "normal":
        return torch.randn(n, k, w, generator=gen)
    if init == "uniform":
        return torch.rand(n, k, w, generator=gen)
    raise ValueError(f"init must be one of {INITS}, got {init!r}")


def _check_args(feature_shape, n_init, l2, lr, steps, batch_size) -> tuple[int, int]:
    if len(feature_shape) != 2 or any(int(s) < 1 for s in feature_shape):
        raise ValueError(f"feature_shape must be (K, W), positive; got {tuple(feature_shape)}")
    if n_init < 2:
        raise ValueError(f"n_init must be >= 2 (IL is a variance over starts), got {n_init}")
    if l2 <= 0 or lr <= 0 or steps < 1:
        raise ValueError(f"need l2 > 0, lr > 0 and steps >= 1; got l2={l2}, lr={lr}, steps={steps}")
    if batch_size is not None and batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer or None, got {batch_size}")
    return int(feature_shape[0]), int(feature_shape[1])


def _check_classes(classes, n_out: int, class_names) -> np.ndarray:
    classes = np.arange(n_out) if classes is None else np.asarray(classes, dtype=np.int64)
    if classes.ndim != 1 or len(classes) == 0:
        raise ValueError("classes must be a non-empty list of output indices")
    bad = classes[(classes < 0) | (classes >= n_out)]
    if len(bad):
        raise ValueError(f"class index {int(bad[0])} out of range: the head has {n_out} outputs")
    if class_names is not None and len(class_names) != len(classes):
        raise ValueError(f"{len(class_names)} class_names for {len(classes)} classes")
    return classes


@torch.no_grad()
def _probe_outputs(head: nn.Module, k: int, w: int, device: torch.device) -> int:
    """Number of head outputs; checks the head accepts ``(N, K, W)`` and returns ``(N, C)``."""
    try:
        out = head(torch.zeros(2, k, w, device=device))
    except RuntimeError as err:
        raise ValueError(
            f"head does not accept feature maps of shape (N, {k}, {w}): {err}"
        ) from err
    if out.ndim != 2 or out.shape[0] != 2:
        raise ValueError(
            f"head must return logits (N, C); for input (2, {k}, {w}) it gave {tuple(out.shape)}"
        )
    if not torch.isfinite(out).all():
        raise ValueError("head returned non-finite logits for an all-zero feature map")
    return int(out.shape[1])
