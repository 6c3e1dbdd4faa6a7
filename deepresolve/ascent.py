"""Feature-map gradient ascent, batched over classes x random starts.

For each class ``c`` and start ``t`` DeepResolve finds

    H_ct = argmax_H  S_c(H) - l2 * ||H||_2^2,     H in R^{K x W}, H_ct(0) ~ N(0, 1) or U(0, 1)

where ``S_c`` is the pre-sigmoid/softmax score of class ``c`` computed by the *head* of
the network (the layers after the analysed one). All (class, start) pairs are rows of one
problem; rows are independent, so the gradient of the summed objective is each row's own
gradient, and any subset of rows can be optimised together. Two optimisers:

- ``"adam"`` (default): Adam; when a row's objective has not improved for ``patience``
  steps its step size is halved, and after ``n_halvings`` such plateaus the row is converged
  and frozen.
- ``"plain"``: the authors' optimiser (their published code): ``H += lr_i * grad`` with
  ``lr_i = lr`` for steps ``i <= 500`` and ``lr * (i - 500) ** -0.2`` after, floored at
  ``1e-6``; a row stops at its first plateau of ``patience`` (10) steps, or at ``steps``
  (10,000).

The best iterate of each row is kept (the authors' code kept the last iterate and the best
logit; with a plateau stop the two differ by at most ``patience`` steps of a converged run).

Compaction: at most ``batch_size`` rows form the *working set*; a row that stops leaves it
at once, and pending rows are pulled in from a queue, each carrying its own optimiser state
(iterate, Adam moments, step count, plateau counters, best so far). The cost then follows
the row-steps each start needs rather than ``batch_size x`` the slowest start's steps.
Results equal the uncompacted run (``compact=False``: fixed chunks, each run until its last
row stops) up to floating-point rounding, which matrix kernels make depend on the number of
rows; with plateau stops that rounding can shift a stop by a few steps.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from deepresolve.layers import prepare_head, probe_head
from deepresolve.ofiv import SIGN_RTOL, summarize
from deepresolve.outputs import Output
from deepresolve.resolution import Resolution
from deepresolve.runtime import get_device, on_device, provenance


@dataclass
class AscentResult:
    """Per row: best feature map ``h (B, K, W)`` (``None`` when not kept), its score
    ``(B,)``, objective ``(B,)``, steps taken ``(B,)``, whether the plateau criterion
    stopped it ``(B,)``, and the FIV ``fiv (B, K)``: the spatial mean of ``h``.
    ``row_steps``: head evaluations computed, summed over rows (the cost)."""

    h: torch.Tensor | None
    score: torch.Tensor
    objective: torch.Tensor
    n_steps: torch.Tensor
    converged: torch.Tensor
    fiv: torch.Tensor | None = None
    row_steps: int = 0

    def to(self, device: str | torch.device) -> AscentResult:
        moved = {
            f.name: v.to(device) if isinstance(v := getattr(self, f.name), torch.Tensor) else v
            for f in fields(self)
        }
        return AscentResult(**moved)


OPTIMIZERS = ("adam", "plain")
INITS = ("normal", "uniform")
PRECISIONS = ("float32", "tf32", "bf16")
# Each optimiser's own defaults for the arguments left as None.
_DEFAULTS = {
    "adam": dict(steps=1000, patience=20, n_halvings=6),
    "plain": dict(steps=10_000, patience=10, n_halvings=1),
}
ADAM_BETAS, ADAM_EPS = (0.9, 0.999), 1e-8
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


def plain_rates(step: torch.Tensor, lr: float) -> torch.Tensor:
    """:func:`plain_rate` for a step count per row ``(B,)`` -> float32 ``(B,)``."""
    after = (step.double() - PLAIN_DECAY_START).clamp_min(1.0)
    rate = torch.where(step <= PLAIN_DECAY_START, lr, lr * after.pow(-PLAIN_DECAY_POWER))
    return rate.clamp_min(PLAIN_MIN_RATE).float()


# Heads with this many outputs or more are scored on the target columns only.
LINEAR_COLUMNS_MIN_OUTPUTS = 1024
ClassScores = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def class_scorer(head: nn.Module, min_outputs: int = LINEAR_COLUMNS_MIN_OUTPUTS) -> ClassScores:
    """``(h (B, K, W), targets (B,)) -> (B,)``: each row's score of its own class.

    In order: ``head.class_scores(h, targets)`` when the head defines it (e.g. a panel of
    independent models, where evaluating every model on every row would cost ``E**2``);
    for a head ending in an ``nn.Linear`` with at least ``min_outputs`` outputs (an
    ``nn.Sequential``, or a :class:`~deepresolve.layers.LayerHead` whose graph ends in
    one), the part before it, then the target rows of the last weight in float32 (skips
    the ``(B, C)`` output: 15% of a step for a 21,907-class head on DeepSEA's trunk, 0.3%
    for its 919 classes, where the plain product keeps results bit-identical to earlier
    versions); else ``head(h)[arange(B), targets]``.
    """
    hook = getattr(head, "class_scores", None)
    if callable(hook):
        return hook
    split = _last_linear(head)
    if split is not None and split[1].out_features >= min_outputs:
        features, last = split

        def linear_scores(h: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
            out = (features(h).float() * last.weight[targets].float()).sum(1)
            return out if last.bias is None else out + last.bias[targets].float()

        return linear_scores

    def scores(h: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        return head(h)[torch.arange(len(targets), device=h.device), targets]

    return scores


def _last_linear(head: nn.Module) -> tuple[Callable, nn.Linear] | None:
    """``(features, linear)`` with ``head(h) == linear(features(h))``, when it ends in one."""
    if isinstance(head, nn.Sequential) and len(head) > 1 and isinstance(head[-1], nn.Linear):
        return head[:-1], head[-1]
    split = getattr(head, "split_last_linear", None)
    return split() if callable(split) else None


class StartStream:
    """Random starting maps ``(n, k, w)`` handed out a few rows at a time, equal to
    :func:`random_starts` ``(n, k, w, init, seed)`` without holding all of them.

    PyTorch's CPU ``randn`` fills blocks of 16 values, so drawing in pieces of a multiple
    of 16 values (and a last piece of at least 16) consumes the generator exactly as one
    draw does; uniform draws are one value at a time. At most ``block + asked`` rows are
    held at once.
    """

    def __init__(self, n: int, k: int, w: int, init: str = "normal", seed: int = 0,
                 block: int = 1024):  # fmt: skip
        if init not in INITS:
            raise ValueError(f"init must be one of {INITS}, got {init!r}")
        self.n, self.k, self.w, self.init = n, k, w, init
        self.gen = torch.Generator().manual_seed(seed)
        quantum = 16 // math.gcd(k * w, 16)  # rows per whole number of 16-value blocks
        self.block = max(quantum, -(-block // quantum) * quantum)
        self.drawn, self.given = 0, 0
        self.buffer = torch.empty(0, k, w)

    def __len__(self) -> int:
        return self.n

    @property
    def left(self) -> int:
        """Starts not handed out yet."""
        return self.n - self.given

    def take(self, rows: int) -> torch.Tensor:
        """The next ``rows`` starts ``(rows, k, w)`` (fewer at the end)."""
        while len(self.buffer) < rows and self.drawn < self.n:
            size = min(self.block, self.n - self.drawn)
            if (self.n - self.drawn - size) * self.k * self.w < 16:
                size = self.n - self.drawn  # a short tail joins this piece
            draw = torch.randn if self.init == "normal" else torch.rand
            piece = draw(size, self.k, self.w, generator=self.gen)
            self.buffer = torch.cat([self.buffer, piece])
            self.drawn += size
        out, self.buffer = self.buffer[:rows], self.buffer[rows:]
        self.given += len(out)
        return out


class _TensorStream:
    """Given starts ``(n, k, w)`` handed out in order, like :class:`StartStream`."""

    def __init__(self, h0: torch.Tensor):
        if h0.ndim != 3:
            raise ValueError(f"starting maps must be (N, K, W), got shape {tuple(h0.shape)}")
        self.h0, self.given = h0.detach(), 0
        self.k, self.w = h0.shape[1:]

    def __len__(self) -> int:
        return len(self.h0)

    @property
    def left(self) -> int:
        return len(self.h0) - self.given

    def take(self, rows: int) -> torch.Tensor:
        out = self.h0[self.given : self.given + rows]
        self.given += len(out)
        return out


def random_starts(n: int, k: int, w: int, init: str = "normal", seed: int = 0) -> torch.Tensor:
    """Starting feature maps ``(n, k, w)`` on the CPU: ``N(0, 1)`` or ``U(0, 1)``, seeded."""
    return StartStream(n, k, w, init, seed, block=n).take(n)


@dataclass
class _Rows:
    """The working set's optimiser state; row ``i`` of every field is one (class, start)
    pair and travels with it when rows leave or join. ``B`` rows, maps ``(B, K, W)``."""

    index: torch.Tensor  # (B,) the row's position in the whole problem
    target: torch.Tensor  # (B,) output column
    h: torch.Tensor  # (B, K, W) current iterate
    best_h: torch.Tensor  # (B, K, W) best iterate so far
    best_obj: torch.Tensor  # (B,) its objective
    best_score: torch.Tensor  # (B,) its class score
    n_steps: torch.Tensor  # (B,) updates taken; the next evaluation is step n_steps + 1
    stale: torch.Tensor  # (B,) evaluations since the last improvement
    halvings: torch.Tensor  # (B,) plateaus so far (each halves the step size)
    active: torch.Tensor  # (B,) bool: not yet stopped by the plateau criterion
    m: torch.Tensor | None  # (B, K, W) Adam's first moment (None for plain ascent)
    v: torch.Tensor | None  # (B, K, W) Adam's second moment

    def __len__(self) -> int:
        return len(self.index)

    def take(self, keep: torch.Tensor) -> _Rows:
        """The rows selected by ``keep`` (a mask or indices), with all their state."""
        return _Rows(**{f.name: _take(getattr(self, f.name), keep) for f in fields(self)})


def _take(x: torch.Tensor | None, keep: torch.Tensor) -> torch.Tensor | None:
    return None if x is None else x[keep]


def _cat(a: _Rows, b: _Rows) -> _Rows:
    pairs = {f.name: (getattr(a, f.name), getattr(b, f.name)) for f in fields(_Rows)}
    return _Rows(**{k: None if x is None else torch.cat([x, y]) for k, (x, y) in pairs.items()})


def _new_rows(h0: torch.Tensor, targets: torch.Tensor, index: torch.Tensor, adam: bool) -> _Rows:
    """Fresh state for starts ``h0 (B, K, W)`` with ``targets (B,)`` at ``index (B,)``."""
    n, device = len(h0), h0.device
    zeros = torch.zeros(n, dtype=torch.long, device=device)
    return _Rows(
        index=index, target=targets, h=h0, best_h=h0.clone(),
        best_obj=torch.full((n,), -math.inf, device=device),
        best_score=torch.zeros(n, device=device),
        n_steps=zeros, stale=zeros.clone(), halvings=zeros.clone(),
        active=torch.ones(n, dtype=torch.bool, device=device),
        m=torch.zeros_like(h0) if adam else None, v=torch.zeros_like(h0) if adam else None,
    )  # fmt: skip


def _evaluate(
    score_of: ClassScores, rows: _Rows, l2: float, autocast: torch.dtype | None
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Objective ``(B,)``, class score ``(B,)`` (both float32) and gradient ``(B, K, W)``
    of every row at its current iterate; the head runs under ``autocast`` if given."""
    h = rows.h.detach().requires_grad_(True)
    with torch.autocast(h.device.type, dtype=autocast, enabled=autocast is not None):
        score = score_of(h, rows.target)
    score = score.float()
    obj = score - l2 * h.pow(2).flatten(1).sum(1)
    (grad,) = torch.autograd.grad(obj.sum(), h)
    obj, score = obj.detach(), score.detach()
    if not torch.isfinite(obj).all():
        bad = int(torch.nonzero(~torch.isfinite(obj))[0])
        raise ValueError(
            f"non-finite objective at ascent step {int(rows.n_steps[bad]) + 1} (row "
            f"{int(rows.index[bad])}, class {int(rows.target[bad])}): the head produced "
            f"{float(score[bad])}; check the model, or lower lr / raise l2"
        )
    return obj, score, grad


def _track_best(
    rows: _Rows, obj: torch.Tensor, score: torch.Tensor, tol: float, patience: int,
    n_halvings: int,
) -> None:  # fmt: skip
    """Keep each active row's best iterate; count plateaus (``patience`` evaluations
    without beating the best by ``tol * max(1, |best|)``) and stop rows at the
    ``n_halvings``-th. Updates ``rows`` in place."""
    best = rows.best_obj
    margin = torch.where(torch.isinf(best), 0.0, tol * best.abs().clamp_min(1.0))
    better = rows.active & (obj > best + margin)
    keep = (obj > best) & rows.active
    rows.best_obj = torch.where(keep, obj, best)
    rows.best_score = torch.where(keep, score, rows.best_score)
    rows.best_h[keep] = rows.h[keep]
    rows.stale = torch.where(better, torch.zeros_like(rows.stale), rows.stale + 1)
    plateau = rows.active & (rows.stale >= patience)
    rows.halvings += plateau
    rows.stale[plateau] = 0
    rows.active &= rows.halvings < n_halvings


def _step(rows: _Rows, grad: torch.Tensor, optimizer: str, lr: float) -> None:
    """One ascent update of every active row (frozen rows stay put). In place."""
    shape = (-1,) + (1,) * (rows.h.ndim - 1)
    step = rows.n_steps + 1  # this row's step number (1-based)
    scale = torch.pow(0.5, rows.halvings.to(rows.h.dtype)) * rows.active
    if optimizer == "adam":
        (beta1, beta2), eps = ADAM_BETAS, ADAM_EPS
        rows.m.mul_(beta1).add_(grad, alpha=1 - beta1)
        rows.v.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        # Bias corrections per row, rounded to float32 as a Python scalar would be.
        bc1 = (1 - beta1 ** step.double()).float().view(shape)
        bc2 = (1 - beta2 ** step.double()).float().view(shape)
        direction = (rows.m / bc1) / ((rows.v / bc2).sqrt() + eps)
        rate = lr * scale
    else:
        direction, rate = grad, plain_rates(step, lr) * scale
    rows.h = rows.h + rate.view(shape) * direction
    rows.n_steps += rows.active


@contextlib.contextmanager
def precision_scope(precision: str, device: torch.device) -> Iterator[torch.dtype | None]:
    """Matmul/convolution precision for one ascent; yields the autocast dtype (or None).

    - ``"float32"``: IEEE float32 (on CUDA this also turns off cuDNN's default TF32
      convolutions for the call).
    - ``"tf32"``: TF32 tensor cores for float32 matmuls and convolutions (CUDA only; the
      CPU has no TF32, so it is an error there).
    - ``"bf16"``: the head runs under ``torch.autocast(dtype=bfloat16)``; on CPU this works
      but is only fast on CPUs with bf16 instructions (AVX512-BF16/AMX).

    Objectives, best-iterate tracking and the iterates themselves stay float32. CUDA's
    global settings are restored on exit.
    """
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, got {precision!r}")
    if device.type != "cuda":
        if precision == "tf32":
            raise ValueError(
                "precision='tf32' needs a CUDA device (TF32 is a GPU tensor-core format); "
                "on CPU use 'float32' or 'bf16'"
            )
        yield torch.bfloat16 if precision == "bf16" else None
        return
    matmul, conv = torch.backends.cuda.matmul, torch.backends.cudnn.conv
    saved = matmul.fp32_precision, conv.fp32_precision
    fp32 = "tf32" if precision == "tf32" else "ieee"
    matmul.fp32_precision = conv.fp32_precision = fp32
    try:
        yield torch.bfloat16 if precision == "bf16" else None
    finally:
        matmul.fp32_precision, conv.fp32_precision = saved


def ascend(
    head: nn.Module,
    h0: torch.Tensor | StartStream,
    targets: torch.Tensor,
    l2: float = 1.0,
    steps: int | None = None,
    lr: float = 0.1,
    patience: int | None = None,
    tol: float = 1e-8,
    n_halvings: int | None = None,
    progress: bool = False,
    optimizer: str = "adam",
    *,
    batch_size: int | None = None,
    compact: bool = True,
    keep_maps: bool = True,
    precision: str = "float32",
    device: str | torch.device | None = None,
) -> AscentResult:
    """Maximise ``head(h)[b, targets[b]] - l2 * ||h_b||^2`` for every row ``b`` of ``h0``.

    ``h0``: initial feature maps ``(N, K, W)``, or a :class:`StartStream` of them;
    ``targets``: output column of each row ``(N,)``. Rows run on ``device`` (default: the
    tensor ``h0``'s device, else the CPU); results come back there for a tensor ``h0`` and
    on the CPU for a stream.

    ``optimizer``: ``"adam"`` or ``"plain"`` (the authors' decaying-rate gradient ascent,
    see the module docstring). A plateau is ``patience`` consecutive steps in which the
    row's objective did not beat its best by more than ``tol * max(1, |best|)``; each
    plateau halves the row's step size, and the ``n_halvings``-th one stops the row.
    ``steps``, ``patience``, ``n_halvings``: ``None`` = the optimiser's default
    (:func:`optimizer_defaults`). The head is scored through :func:`class_scorer`.

    ``batch_size``: rows in the working set (``None``: all ``N``); with ``compact`` a row
    leaves as soon as it stops and a pending one takes its place, without it the rows run
    in fixed chunks of ``batch_size``, each until its last row stops (the old behaviour).
    Device memory holds at most ``batch_size`` rows' state (5 maps each: iterate, best,
    gradient, Adam's two moments) and the head's activations for them. ``keep_maps=False``
    returns ``h = None`` and only the FIVs ``(N, K)``. ``precision``: see
    :func:`precision_scope`.
    """
    opts = optimizer_defaults(optimizer, steps, patience, n_halvings)
    steps, patience, n_halvings = opts["steps"], opts["patience"], opts["n_halvings"]
    stream = h0 if isinstance(h0, StartStream) else _TensorStream(h0)
    if device is None:
        device = h0.device if isinstance(h0, torch.Tensor) else torch.device("cpu")
    device = torch.device(device)
    out_device = h0.device if isinstance(h0, torch.Tensor) else torch.device("cpu")
    n, capacity = len(stream), len(stream) if batch_size is None else int(batch_size)
    targets = torch.as_tensor(targets).to(device)
    if len(targets) != n:
        raise ValueError(f"{len(targets)} targets for {n} starting maps")
    if capacity < 1:
        raise ValueError(f"batch_size must be a positive integer or None, got {batch_size}")
    out = _Outputs(n, stream.k, stream.w, keep_maps, out_device)
    rows: _Rows | None = None
    row_steps = 0
    bar = tqdm(total=n, desc="ascent", leave=False, disable=not progress)
    with precision_scope(precision, device) as autocast:
        # Under autocast a last Linear layer is kept in float32: the objective is what the
        # plateau criterion compares, and a bf16 logit would hide its last improvements.
        score_of = class_scorer(head, LINEAR_COLUMNS_MIN_OUTPUTS if autocast is None else 1)
        while True:
            if rows is None or compact:  # a fixed chunk runs until its last row stops
                rows = _refill(rows, stream, targets, capacity, optimizer == "adam", device)
            if rows is None:
                break
            obj, score, grad = _evaluate(score_of, rows, l2, autocast)
            row_steps += len(rows)
            _track_best(rows, obj, score, tol, patience, n_halvings)
            done = ~rows.active | (rows.n_steps >= steps)
            if done.any() and (compact or done.all()):
                out.store(rows.take(done))
                bar.update(int(done.sum()))
                rows, grad = rows.take(~done), grad[~done]
            if len(rows) == 0:
                rows = None
                continue
            _step(rows, grad, optimizer, lr)
    bar.refresh()  # updates within tqdm's mininterval are not drawn: show the final count
    bar.close()
    return out.result(row_steps)


def _refill(
    rows: _Rows | None, stream: StartStream | _TensorStream, targets: torch.Tensor,
    capacity: int, adam: bool, device: torch.device,
) -> _Rows | None:  # fmt: skip
    """The working set topped up to ``capacity`` rows from ``stream`` (``None`` when both
    are empty). ``targets (N,)`` are those of the whole problem."""
    first, new = stream.given, min(capacity - (0 if rows is None else len(rows)), stream.left)
    if new <= 0:
        return rows
    index = torch.arange(first, first + new, device=device)
    fresh = _new_rows(stream.take(new).to(device), targets[index], index, adam)
    return fresh if rows is None else _cat(rows, fresh)


class _Outputs:
    """Per-row results of the whole problem, filled as rows stop (on ``device``)."""

    def __init__(self, n: int, k: int, w: int, keep_maps: bool, device: torch.device):
        self.h = torch.zeros(n, k, w, device=device) if keep_maps else None
        self.fiv = torch.zeros(n, k, device=device)
        self.score = torch.zeros(n, device=device)
        self.objective = torch.zeros(n, device=device)
        self.n_steps = torch.zeros(n, dtype=torch.long, device=device)
        self.converged = torch.zeros(n, dtype=torch.bool, device=device)

    def store(self, rows: _Rows) -> None:
        i = rows.index.to(self.fiv.device)
        if self.h is not None:
            self.h[i] = rows.best_h.to(self.h.device)
        self.fiv[i] = rows.best_h.mean(dim=2).to(self.fiv.device)  # FIV: spatial mean
        self.score[i] = rows.best_score.to(self.score.device)
        self.objective[i] = rows.best_obj.to(self.objective.device)
        self.n_steps[i] = rows.n_steps.to(self.n_steps.device)
        self.converged[i] = (~rows.active).to(self.converged.device)

    def result(self, row_steps: int) -> AscentResult:
        return AscentResult(self.h, self.score, self.objective, self.n_steps, self.converged,
                            self.fiv, row_steps)  # fmt: skip


def resolve(
    head: nn.Module,
    feature_shape: Sequence[int] | None = None,
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
    compact: bool = True,
    precision: str = "float32",
    max_components: int = 3,
    keep_fims: bool = True,
    class_names: Sequence[str] | None = None,
    progress: bool = True,
    n_jobs: int = 1,
    layer: str | None = None,
    example_input: torch.Tensor | None = None,
    output: Output = None,
    logits: bool = True,
    layout: str | None = None,
    fixed_inputs: Mapping[str, Any] | None = None,
    sign_rtol: float = SIGN_RTOL,
) -> Resolution:
    """Run DeepResolve on ``head`` for the requested classes.

    Parameters
    ----------
    head
        Module mapping feature maps ``(N, K, W)`` to class logits ``(N, C)`` (scores before
        sigmoid/softmax); or, with ``layer=``, the whole model, cut at that layer
        (:func:`deepresolve.layers.cut_model`). It runs in eval mode (dropout off) on
        ``device``, without side effects: each module's mode is restored afterwards, and a
        head not already on ``device`` runs as a copy there. If it defines
        ``class_scores(h (B, K, W), targets (B,)) -> (B,)``, the ascent calls that to score
        each row on its own class only (``head(h)`` is still called once to count the
        outputs). An ``nn.Sequential`` head ending in a sigmoid/softmax/softplus loses it
        (with a notice); another head whose output comes from one is refused (``logits``).
    feature_shape
        ``(K, W)``: channels and width of the analysed layer (``W = 1`` after global
        pooling); taken from the head when it was cut from a model.
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
        Rows (class x start pairs) optimised at once (the working set); ``None`` = all.
        Bounds device memory whatever the number of classes (see :func:`ascend`).
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
    compact
        A start that has stopped leaves the working set and a pending one takes its place
        (default); ``False`` runs fixed chunks of ``batch_size`` until their slowest start
        stops. The two agree up to floating-point rounding.
    precision
        ``"float32"`` (default), ``"tf32"`` (CUDA tensor cores) or ``"bf16"`` (autocast);
        objectives and iterates stay float32 (see :func:`precision_scope`).
    max_components
        GMM component counts tried on each class's IL values (1..max_components, BIC).
    keep_fims
        Keep the full ``(C, T, K, W)`` maps (set False to hold only ``(C, T, K)`` FIVs).
    n_jobs
        CPU processes for the per-class GMM fits (-1: all cores); worth it for thousands
        of classes. Does not change the result.
    layer, example_input
        Cut the model ``head`` at ``layer`` (a module name, or a node name from
        :func:`deepresolve.layers.cut_points`), given one input of the model ``(1, ...)``;
        refused with the reason when the layer does not cut the model.
    output
        Which output holds the logits: an index or key for models returning tuples or
        dicts, or a callable ``out -> (N, C)`` (e.g. a profile reduced by
        :func:`deepresolve.outputs.profile_logit`).
    logits
        Remove a final sigmoid/softmax/softplus (default, with a notice): the method
        maximises logits. ``False`` keeps it.
    layout
        How the layer holds its maps: ``"NKW"``, ``"NWK"`` (transformers), ``"NK1W"``
        (Conv2d), ``"NK"``; default: read from the model when cut at ``layer``, else NKW.
    fixed_inputs
        Values of the model's other forward arguments (e.g. control tracks), held fixed.
    sign_rtol
        Sign tolerance of the OFIV rule, relative to each class's largest ``|FIV|``
        (:func:`deepresolve.ofiv.overall_importance`).

    Returns
    -------
    Resolution with FIMs, FIVs, scores, trial weights, IL, GMM choice, non-additive
    channels and OFIVs; ``params`` records the settings and ``row_steps``, the head
    evaluations computed (summed over rows).
    """
    opts = optimizer_defaults(optimizer, steps, patience, n_halvings)
    steps, patience, n_halvings = opts["steps"], opts["patience"], opts["n_halvings"]
    if init not in INITS:
        raise ValueError(f"init must be one of {INITS}, got {init!r}")
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, got {precision!r}")
    device = get_device(device)  # checked before anything moves
    head, feature_shape, cut = prepare_head(
        head, feature_shape, layer=layer, example_input=example_input, output=output,
        logits=logits, layout=layout, fixed_inputs=fixed_inputs,
    )  # fmt: skip
    k, w = _check_args(feature_shape, n_init, l2, lr, steps, batch_size)
    with on_device(head, device) as run:
        classes = _check_classes(classes, probe_head(run, k, w, device, logits), class_names)
        n_cls, n_rows = len(classes), len(classes) * n_init
        block = n_rows if batch_size is None else min(batch_size, n_rows)
        starts = StartStream(n_rows, k, w, init, seed, block=block)
        targets = torch.as_tensor(np.repeat(classes, n_init))
        res = ascend(
            run, starts, targets, l2=l2, steps=steps, lr=lr, patience=patience, tol=tol,
            n_halvings=n_halvings, progress=progress, optimizer=optimizer,
            batch_size=batch_size, compact=compact, keep_maps=keep_fims, precision=precision,
            device=device,
        )  # fmt: skip

    def per_class(x: torch.Tensor, *shape: int) -> np.ndarray:
        return x.view(n_cls, n_init, *shape).numpy()

    fims = per_class(res.h, k, w).astype(np.float32) if keep_fims else None
    scores = per_class(res.score).astype(np.float64)
    fivs = per_class(res.fiv, k).astype(np.float32)
    summary = summarize(fivs, scores, max_components=max_components, seed=seed, n_jobs=n_jobs,
                        sign_rtol=sign_rtol)  # fmt: skip
    params = dict(
        feature_shape=[k, w], n_init=n_init, l2=l2, steps=steps, lr=lr, seed=seed,
        batch_size=batch_size, patience=patience, tol=tol, n_halvings=n_halvings,
        max_components=max_components, optimizer=optimizer, init=init, precision=precision,
        compact=compact, device=str(device), row_steps=res.row_steps, sign_rtol=sign_rtol,
    )  # fmt: skip
    params.update(provenance(device, precision))  # + device_name, torch version
    if cut:
        params["head"] = cut
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
        converged=per_class(res.converged),
        n_steps=per_class(res.n_steps),
        class_names=None if class_names is None else np.asarray(class_names, dtype=str),
        params=params,
    )


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
