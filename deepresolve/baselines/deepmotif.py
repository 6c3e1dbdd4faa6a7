"""Enhanced DeepMotif (Lanchantin et al. 2017, as extended by Liu et al. 2019): gradient
ascent of a class logit in *input* space, from one all-0.25 start plus ``n_random``
random starts, then the most informative window of the best-scoring generated inputs.

The ascent follows the authors' script: objective ``score(x) - l2 * ||x||^2`` per
start, plain gradient steps ``x += lr_t * grad``, ``x`` clamped to ``>= 0`` after each
step, ``lr_t = lr`` up to ``decay_after`` steps and ``max(lr * (t - decay_after)^-0.2,
1e-6)`` after; a start is frozen once its objective has not improved by more than
``tol`` (relative; absolute when ``|objective| < 1``) for ``patience`` steps, and the
run stops when all are frozen or after ``steps`` steps. Each start keeps its
best-*scoring* iterate. Random starts are uniform draws normalised so every column
sums to 1.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from deepresolve.io import save_npz
from deepresolve.motifs.pwm import filter_pwms, information_content
from deepresolve.runtime import get_device

ScoreFn = Callable[..., torch.Tensor]


@dataclass
class DeepMotifResult:
    """Enhanced DeepMotif output for ``M`` models x ``S = 1 + n_random`` starts.

    ``inputs`` ``(M, S, 4, L)``: best-scoring generated input per start (start 0 is
    the all-0.25 one); ``scores`` ``(M, S)``: its logit; ``best_step`` ``(M, S)``: the
    step it was reached; ``stopped_at`` ``(M, S)``: the step the start was frozen (or the
    last step); ``converged`` ``(M, S)``: frozen by the convergence check rather than the
    step limit; ``n_steps``: steps run.
    """

    inputs: np.ndarray
    scores: np.ndarray
    best_step: np.ndarray
    stopped_at: np.ndarray
    converged: np.ndarray
    n_steps: int

    def save(self, path: str | os.PathLike) -> None:
        """Write all fields to an ``.npz`` file, atomically."""
        save_npz(path, **{k: np.asarray(v) for k, v in self.__dict__.items()})

    @classmethod
    def load(cls, path: str | os.PathLike) -> DeepMotifResult:
        with np.load(path) as f:
            missing = {"inputs", "scores", "best_step", "stopped_at", "converged", "n_steps"} - set(
                f.files
            )
            if missing:
                raise KeyError(f"{path}: not a DeepMotifResult, missing {sorted(missing)}")
            return cls(
                inputs=f["inputs"],
                scores=f["scores"],
                best_step=f["best_step"],
                stopped_at=f["stopped_at"],
                converged=f["converged"],
                n_steps=int(f["n_steps"]),
            )


def class_score_fn(model: nn.Module, target: int = 0) -> ScoreFn:
    """``x (B, 4, L) -> model(x)[:, target]`` with ``model`` in eval mode (dropout off)."""
    model.eval()

    def score(x: torch.Tensor) -> torch.Tensor:
        return model(x)[:, target]

    return score


def _takes_models(score_fn: ScoreFn) -> bool:
    try:
        return "models" in inspect.signature(score_fn).parameters
    except (TypeError, ValueError):
        return False


def _starts(n_models: int, n_random: int, length: int, seed: int) -> torch.Tensor:
    """``(M * S, 4, L)`` float32: per model one all-0.25 start then ``n_random`` random
    column-normalised starts (the same for every model), drawn on CPU from ``seed``."""
    g = torch.Generator().manual_seed(seed)
    rand = torch.rand(n_random, 4, length, generator=g)
    rand = rand / rand.sum(1, keepdim=True)
    starts = torch.cat([torch.full((1, 4, length), 0.25), rand])
    return starts.repeat(n_models, 1, 1)


def _ascend(
    score_fn: ScoreFn,
    x: torch.Tensor,
    models: torch.Tensor,
    takes_models: bool,
    steps: int,
    lr: float,
    l2: float,
    decay_after: int,
    tol: float,
    patience: int,
) -> tuple[torch.Tensor, ...]:
    """Batched ascent over rows of ``x`` ``(B, 4, L)``; see the module docstring."""
    b = len(x)
    x = x.clone()
    best_x = x.clone()
    best_score = torch.full((b,), -torch.inf, device=x.device)
    best_obj = torch.full((b,), -torch.inf, device=x.device)
    best_step = torch.zeros(b, dtype=torch.long, device=x.device)
    hold = torch.zeros(b, dtype=torch.long, device=x.device)
    active = torch.ones(b, dtype=torch.bool, device=x.device)
    stopped_at = torch.full((b,), steps, dtype=torch.long, device=x.device)
    t = 0
    for t in range(steps + 1):
        xg = x.detach().requires_grad_(True)
        with torch.enable_grad():
            score = score_fn(xg, models=models) if takes_models else score_fn(xg)
            if score.shape != (b,):
                raise ValueError(
                    f"score_fn must return one logit per row, shape ({b},), "
                    f"got {tuple(score.shape)}"
                )
            obj = score - l2 * xg.pow(2).sum((1, 2))
            (grad,) = torch.autograd.grad(obj.sum(), xg)
        with torch.no_grad():
            score, obj = score.detach(), obj.detach()
            better = active & (score > best_score)
            best_score = torch.where(better, score, best_score)
            best_x[better] = x[better]
            best_step[better] = t
            # Relative change, floored at an absolute tol for objectives near 0 (a start
            # with no gradient from the score only shrinks towards 0).
            improved = torch.isinf(best_obj) | (obj > best_obj + tol * best_obj.abs().clamp(min=1))
            hold = torch.where(improved, 0, hold + 1)
            best_obj = torch.maximum(best_obj, obj)
            newly = active & (hold >= patience)
            stopped_at[newly] = t
            active &= ~newly
            if t == steps or not bool(active.any()):
                break
            rate = lr if t <= decay_after else max(lr * (t - decay_after) ** -0.2, 1e-6)
            x += rate * grad * active[:, None, None]
            x.clamp_(min=0)
    converged = stopped_at < steps
    return best_x, best_score, best_step, stopped_at, converged, t


def enhanced_deepmotif(
    score_fn: ScoreFn,
    length: int,
    n_random: int = 10,
    steps: int = 5000,
    lr: float = 0.1,
    l2: float = 0.1,
    decay_after: int = 1000,
    seed: int = 0,
    device: str | torch.device | None = None,
    batch_size: int | None = None,
    n_models: int = 1,
    tol: float = 1e-6,
    patience: int = 10,
) -> DeepMotifResult:
    """Enhanced DeepMotif by batched input-space gradient ascent.

    ``score_fn(x)`` maps ``(B, 4, length)`` float32 inputs on ``device`` to the ``(B,)``
    logits to maximise (see :func:`class_score_fn`). Rows are ``n_models`` x ``S`` starts
    (``S = 1 + n_random``), model-major: row ``m * S + s`` is start ``s`` of model ``m``,
    so one ``score_fn`` can evaluate a batched panel of models. With ``batch_size`` rows
    are processed in chunks of whole models (at least one model each), and ``score_fn``
    must then accept a keyword ``models``, a ``(B,)`` LongTensor of each row's model
    index (it is passed whenever ``score_fn`` accepts it). ``lr``: step size; ``l2``:
    penalty on the squared L2 norm of each input; ``tol``/``patience``: convergence check
    (relative objective improvement). Deterministic on CPU for a given ``seed``.
    """
    if int(length) < 1:
        raise ValueError(f"length must be >= 1, got {length}")
    if int(n_random) < 1:
        raise ValueError(
            f"n_random must be >= 1 (random starts besides the 0.25 one), got {n_random}"
        )
    if int(steps) < 1:
        raise ValueError(f"steps must be >= 1, got {steps}")
    if int(n_models) < 1:
        raise ValueError(f"n_models must be >= 1, got {n_models}")
    if not lr > 0:
        raise ValueError(f"lr must be > 0, got {lr}")
    if not l2 >= 0:
        raise ValueError(f"l2 must be >= 0, got {l2}")
    if int(patience) < 1:
        raise ValueError(f"patience must be >= 1, got {patience}")
    if batch_size is not None and int(batch_size) < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    device = get_device(device)
    s = 1 + int(n_random)
    x0 = _starts(n_models, n_random, length, seed)
    models = torch.arange(n_models).repeat_interleave(s)
    takes_models = _takes_models(score_fn)
    per_chunk = n_models if batch_size is None else max(1, int(batch_size) // s)
    if per_chunk < n_models and n_models > 1 and not takes_models:
        raise ValueError(
            "batch_size splits the models into chunks, so score_fn must accept a keyword "
            "'models' telling which model each row belongs to"
        )
    parts = []
    for m0 in range(0, n_models, per_chunk):
        rows = slice(m0 * s, min(n_models, m0 + per_chunk) * s)
        parts.append(
            _ascend(
                score_fn,
                x0[rows].to(device),
                models[rows].to(device),
                takes_models,
                int(steps),
                float(lr),
                float(l2),
                int(decay_after),
                float(tol),
                int(patience),
            )
        )

    def cat(i: int) -> np.ndarray:
        arr = torch.cat([p[i] for p in parts]).cpu().numpy()
        return arr.reshape(n_models, s, *arr.shape[1:])

    return DeepMotifResult(
        inputs=cat(0),
        scores=cat(1),
        best_step=cat(2),
        stopped_at=cat(3),
        converged=cat(4),
        n_steps=max(int(p[5]) for p in parts),
    )


def most_informative_window(x: np.ndarray, width: int = 25) -> tuple[int, np.ndarray]:
    """The ``width``-bp window of a non-negative ``(4, L)`` input with the highest total
    information content (bits) after column normalisation.

    Returns ``(start, pwm)``, ``pwm`` ``(4, width)`` with columns summing to 1; ties go to
    the leftmost window.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] != 4:
        raise ValueError(f"x must have shape (4, L), got {x.shape}")
    if int(width) < 1:
        raise ValueError(f"width must be >= 1, got {width}")
    if x.shape[1] < width:
        raise ValueError(f"window width {width} is longer than the input length {x.shape[1]}")
    if (x < 0).any() or not np.isfinite(x).all():
        raise ValueError("x must be finite and non-negative")
    p = filter_pwms(x[None])[0]  # columns normalised to sum 1; zero columns uniform
    ic = np.concatenate([[0.0], np.cumsum(information_content(p))])
    window_ic = ic[width:] - ic[:-width]
    start = int(np.argmax(window_ic))
    return start, p[:, start : start + width]


def deepmotif_pwms(
    result: DeepMotifResult, top: int = 5, width: int = 25, model: int = 0
) -> list[tuple[float, np.ndarray]]:
    """The most informative ``width``-bp window of the ``top`` best-scoring starts of
    ``model``: a list of ``(score, pwm (4, width))``, highest class score first."""
    n_models, s, _, length = result.inputs.shape
    if not 0 <= model < n_models:
        raise ValueError(f"model={model} out of range for a result with {n_models} models")
    if int(top) < 1:
        raise ValueError(f"top must be >= 1, got {top}")
    if width > length:
        raise ValueError(f"window width {width} is longer than the input length {length}")
    order = np.argsort(-result.scores[model], kind="stable")[: int(top)]
    return [
        (float(result.scores[model, i]), most_informative_window(result.inputs[model, i], width)[1])
        for i in order
    ]
