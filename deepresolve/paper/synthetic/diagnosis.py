"""Why dataset I's XOR logic is or is not flagged non-additive: measurements on the
trained network, and analytic heads whose DeepResolve outcome is known.

* :func:`combination_logits`: the network's mean logit per combination of planted
  patterns on test sequences (has it learnt ``AND`` + ``XOR`` at all?).
* :func:`logit_landscape`: the logit as a function of the two XOR filters' activations
  in two windows, the rest of the feature map from real sequences (does it separate the
  XOR cases into two branches, or count the patterns?).
* :func:`two_branch_head` / :func:`count_head`: hand-built heads of the trained head's
  shape (Flatten -> Linear(K*W, hidden) -> ReLU -> Linear(hidden, 1)). The two-branch head
  computes ``relu(C + A - B) + relu(C + B - A)`` (``A``, ``B``, ``C`` the sums of channels
  ``a``, ``b``, ``c`` over positions): XOR as two separate maxima, which DeepResolve flags
  (``A`` and ``B`` non-additive, opposite signs across starts). The count head computes
  ``C + (A + B) - 3 relu(A + B - W/2)``: high on a band of ``A + B``, concave, one
  maximiser of ``S(H) - lambda ||H||^2``, so every start reaches the same point and
  nothing is flagged.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from torch import nn

from deepresolve.io import load_npz, save_npz
from deepresolve.paper.synthetic.data import SyntheticData, dataset1_logic
from deepresolve.resolution import Resolution

COMBINATION_COLUMNS = ["combination", "label", "n", "mean_logit", "sd_logit", "frac_predicted"]


def combinations(motifs: Sequence[str]) -> list[tuple[bool, bool, bool]]:
    """The 8 presence patterns of dataset I's motifs ``(xor_a, and, xor_b)`` in display
    order: none, each alone, AND with each XOR pattern, XOR pair, all three."""
    if len(motifs) != 3:
        raise ValueError(f"dataset I has 3 patterns (xor_a, and, xor_b), got {list(motifs)}")
    return [(False, False, False), (True, False, False), (False, True, False),
            (False, False, True), (True, True, False), (False, True, True),
            (True, False, True), (True, True, True)]  # fmt: skip


def combination_name(combo: Sequence[bool], motifs: Sequence[str]) -> str:
    """``"CAGGTC+GCTCAT"`` for the present patterns, ``"none"`` for none."""
    names = [m for m, present in zip(motifs, combo, strict=True) if present]
    return "+".join(names) if names else "none"


def combination_logits(
    logits: np.ndarray, contains: np.ndarray, motifs: Sequence[str]
) -> pd.DataFrame:
    """Logit statistics per pattern combination (columns :data:`COMBINATION_COLUMNS`).

    ``logits`` ``(N,)``; ``contains`` ``(N, 3)`` whether each of ``motifs`` ``(xor_a, and,
    xor_b)`` occurs in each sequence. ``label`` is what the AND/XOR logic says,
    ``frac_predicted`` the fraction of sequences with a positive logit.
    """
    logits = np.asarray(logits, dtype=float).ravel()
    contains = np.asarray(contains, dtype=bool)
    if contains.shape != (len(logits), 3):
        raise ValueError(f"contains must be ({len(logits)}, 3), got {contains.shape}")
    rows = []
    for combo in combinations(motifs):
        sel = (contains == np.array(combo)).all(axis=1)
        v = logits[sel]
        label = int(dataset1_logic(np.array([combo]))[0])
        rows.append((combination_name(combo, motifs), label, int(sel.sum()),
                     float(v.mean()) if len(v) else np.nan,
                     float(v.std()) if len(v) > 1 else np.nan,
                     float((v > 0).mean()) if len(v) else np.nan))  # fmt: skip
    return pd.DataFrame(rows, columns=COMBINATION_COLUMNS)


def learnt_xor(table: pd.DataFrame, motifs: Sequence[str]) -> bool:
    """Whether the mean logits of a :func:`combination_logits` table follow the logic:
    positive for AND + exactly one XOR pattern, negative for every other combination."""
    mean = dict(zip(table["combination"], table["mean_logit"], strict=True))
    label = dict(zip(table["combination"], table["label"], strict=True))
    names = [combination_name(c, motifs) for c in combinations(motifs)]
    return all((mean[n] > 0) == bool(label[n]) for n in names if np.isfinite(mean[n]))


@dataclass
class Landscape:
    """The logit over two channels' activations, for :func:`plot_diagnosis`.

    channels (2,)       the two XOR filters ``(a, b)`` (may be one filter)
    names (2,)          their patterns
    values_a, values_b  grid axes (activation units of the analysed layer)
    logits (A, B)       mean logit at each grid point
    optima (T, 2)       each ascent start's strongest window of ``a`` and of ``b`` (another
                        window when ``a == b``)
    optima_sum (T, 2)   each start's sum of ``a`` and of ``b`` over all windows
    cases               data points: label -> ``(a, b)`` activations
    base                what the rest of the feature map is
    """

    channels: tuple[int, int]
    names: tuple[str, str]
    values_a: np.ndarray
    values_b: np.ndarray
    logits: np.ndarray
    optima: np.ndarray
    optima_sum: np.ndarray
    cases: dict[str, tuple[float, float]]
    base: str

    def save(self, path: str | os.PathLike) -> None:
        """Write to one ``.npz`` file (atomically)."""
        save_npz(
            path, channels=np.asarray(self.channels), names=np.asarray(self.names),
            values_a=self.values_a, values_b=self.values_b, logits=self.logits,
            optima=self.optima, optima_sum=self.optima_sum,
            case_names=np.asarray(list(self.cases), dtype=str),
            case_values=np.asarray(list(self.cases.values()), dtype=float).reshape(-1, 2),
            base=np.asarray(self.base),
        )  # fmt: skip

    @classmethod
    def load(cls, path: str | os.PathLike) -> Landscape:
        keys = ["channels", "names", "values_a", "values_b", "logits", "optima", "optima_sum",
                "case_names", "case_values", "base"]  # fmt: skip
        d = load_npz(path, keys, "landscape")
        return cls(
            channels=(int(d["channels"][0]), int(d["channels"][1])),
            names=(str(d["names"][0]), str(d["names"][1])), values_a=d["values_a"],
            values_b=d["values_b"], logits=d["logits"], optima=d["optima"],
            optima_sum=d["optima_sum"],
            cases={str(n): (float(v[0]), float(v[1]))
                   for n, v in zip(d["case_names"], d["case_values"], strict=True)},
            base=str(d["base"]),
        )  # fmt: skip


def sum_dependence(logits: np.ndarray) -> float:
    """How much of a square landscape ``(n, n)`` on equal axes is a function of ``a + b``:
    ``1 - var(logit - mean over its anti-diagonal) / var(logit)``, in ``[0, 1]``. 1 for a
    count of the two patterns; well below 1 for a two-branch XOR, a function of ``a - b``
    (``|a - b|`` scores 0.3 on a 5 x 5 grid)."""
    logits = np.asarray(logits, dtype=np.float64)
    n = logits.shape[0]
    if logits.shape != (n, n) or n < 2:
        raise ValueError(f"need a square landscape, got {logits.shape}")
    total = logits.var()
    if total == 0:
        return 1.0
    s = np.add.outer(np.arange(n), np.arange(n))
    means = np.bincount(s.ravel(), logits.ravel()) / np.bincount(s.ravel())
    return float(1.0 - (logits - means[s]).var() / total)


def sum_profile(land: Landscape) -> tuple[np.ndarray, np.ndarray]:
    """Mean logit along each anti-diagonal of a landscape on equal axes: ``(a + b values,
    logits)``, both ``(2n - 1,)``."""
    if not np.allclose(land.values_a, land.values_b):
        raise ValueError("the landscape's axes differ: a + b is not defined on its grid")
    n = len(land.values_a)
    s = np.add.outer(np.arange(n), np.arange(n))
    means = np.bincount(s.ravel(), land.logits.ravel()) / np.bincount(s.ravel())
    step = land.values_a[1] - land.values_a[0] if n > 1 else 0.0
    return land.values_a[0] * 2 + step * np.arange(2 * n - 1), means


def logit_landscape(
    head: nn.Module,
    maps: np.ndarray,
    channels: tuple[int, int],
    values_a: np.ndarray,
    values_b: np.ndarray,
    seed: int = 0,
) -> np.ndarray:
    """Mean logit of ``head`` when channel ``a`` takes value ``u`` in one window and
    channel ``b`` value ``v`` in another: ``(len(values_a), len(values_b))``.

    ``maps`` ``(N, K, W)`` are the contexts (e.g. the analysed layer on real sequences);
    in each, two distinct windows ``i != j`` are drawn at random (seeded) and set to
    ``H[a, i] = u``, ``H[b, j] = v``; the logit is averaged over the ``N`` contexts. ``a``
    and ``b`` may be the same channel (one filter detecting both patterns, in two places).
    """
    a, b = channels
    maps = np.asarray(maps, dtype=np.float32)
    if maps.ndim == 2:
        maps = maps[None]
    n, k, w = maps.shape
    if not (0 <= a < k and 0 <= b < k) or w < 2 or n < 1:
        raise ValueError(f"need (N, K, W >= 2) maps and channels in [0, {k}), got "
                         f"{maps.shape}, {channels}")  # fmt: skip
    rng = np.random.default_rng(seed)
    i = rng.integers(0, w, n)
    j = (i + rng.integers(1, w, n)) % w
    rows = np.arange(n)
    out = np.empty((len(values_a), len(values_b)))
    head = head.eval()
    with torch.no_grad():
        for ui, u in enumerate(values_a):
            h = np.repeat(maps[None], len(values_b), axis=0)  # (B, N, K, W)
            h[:, rows, a, i] = u
            h[:, rows, b, j] = np.asarray(values_b, np.float32)[:, None]
            logits = head(torch.from_numpy(h.reshape(-1, k, w)))[:, 0].numpy()
            out[ui] = logits.reshape(len(values_b), n).mean(axis=1)
    return out


def strongest_windows(fims: np.ndarray, channels: tuple[int, int]) -> np.ndarray:
    """Each start's largest value of channel ``a`` over windows, and of channel ``b`` over
    the other windows when ``a == b``: ``(T, K, W) -> (T, 2)``."""
    a, b = channels
    fims = np.asarray(fims, dtype=np.float64)
    first = fims[:, a].max(axis=1)
    if a != b:
        return np.stack([first, fims[:, b].max(axis=1)], axis=1)
    second = np.sort(fims[:, a], axis=1)[:, -2]
    return np.stack([first, second], axis=1)


def pattern_activation(
    maps: np.ndarray, channel: int, starts: np.ndarray, motif_len: int, width: int, pool: int
) -> np.ndarray:
    """Activation of ``channel`` at a planted pattern: the largest pooled value over the
    windows whose conv positions overlap the pattern at ``starts`` ``(N,)``; ``maps``
    ``(N, K, W)`` pooled (``pool``) outputs of filters of ``width`` bp."""
    maps = np.asarray(maps)
    lo = np.clip((np.asarray(starts) - width + 1) // pool, 0, maps.shape[2] - 1)
    hi = np.clip((np.asarray(starts) + motif_len - 1) // pool, 0, maps.shape[2] - 1)
    cols = np.arange(maps.shape[2])
    inside = (cols >= lo[:, None]) & (cols <= hi[:, None])
    return np.where(inside, maps[:, channel], -np.inf).max(axis=1)


def two_branch_head(k: int, w: int, a: int, b: int, c: int, hidden: int = 64) -> nn.Sequential:
    """Positive control, ``(N, K, W) -> (N, 1)``: ``relu(C + A - B) + relu(C + B - A)``
    with ``A``, ``B``, ``C`` the sums over positions of channels ``a``, ``b``, ``c``.

    With penalty ``lambda`` the penalised objective has two branch maxima, ``h_c =
    1/(2 lambda)`` everywhere and ``(h_a, h_b) = +-(1, -1)/(2 lambda)``: a start ends in one
    branch or the other, so the FIVs of ``a`` and ``b`` flip sign across starts (XOR as two
    branches). A third maximum, with both units active, has ``h_a = h_b = 0`` and ``h_c =
    1/lambda`` (it is the global one); starts that reach it make ``c`` inconsistent too.
    """
    _check_distinct(a, b, c)
    return _head(k, w, hidden, [({c: 1.0, a: 1.0, b: -1.0}, 0.0, 1.0),
                                ({c: 1.0, a: -1.0, b: 1.0}, 0.0, 1.0)])  # fmt: skip


def count_head(
    k: int, w: int, a: int, b: int, c: int, hidden: int = 64, threshold: float | None = None
) -> nn.Sequential:
    """Negative control of :func:`two_branch_head`'s shape: ``C + (A + B) - 3 relu(A + B -
    t)``, ``t = threshold`` (default ``W / 2``). Its logit is high on a band of ``A + B``
    (a count of the two patterns); it is concave, so the penalised objective has a single
    maximiser (``h_c = 1/(2 lambda)``, ``A = B = t/2``). Linear terms are ``relu(x) -
    relu(-x)`` pairs of hidden units."""
    _check_distinct(a, b, c)
    t = w / 2 if threshold is None else float(threshold)
    return _head(k, w, hidden, [({c: 1.0}, 0.0, 1.0), ({c: -1.0}, 0.0, -1.0),
                                ({a: 1.0, b: 1.0}, 0.0, 1.0), ({a: -1.0, b: -1.0}, 0.0, -1.0),
                                ({a: 1.0, b: 1.0}, -t, -3.0)])  # fmt: skip


def _check_distinct(a: int, b: int, c: int) -> None:
    if len({a, b, c}) != 3:
        raise ValueError(f"channels a, b, c must be distinct, got {a}, {b}, {c}")


def _head(
    k: int, w: int, hidden: int, units: Sequence[tuple[Mapping[int, float], float, float]]
) -> nn.Sequential:
    """Flatten -> Linear(K*W, hidden) -> ReLU -> Linear(hidden, 1) with hidden unit ``j``
    = ``relu(sum_ch coef[ch] * sum_w H[ch, w] + bias)`` entering the logit with weight
    ``out``, for ``units[j] = (coef, bias, out)``; the other units are zero."""
    if len(units) > hidden:
        raise ValueError(f"{len(units)} hidden units needed, hidden={hidden}")
    chans = {ch for coef, _, _ in units for ch in coef}
    if min(chans) < 0 or max(chans) >= k:
        raise ValueError(f"channels {sorted(chans)} out of range for K={k}")
    fc, out = nn.Linear(k * w, hidden), nn.Linear(hidden, 1)
    with torch.no_grad():
        for p in (fc.weight, fc.bias, out.weight, out.bias):
            p.zero_()
        for j, (coef, bias, weight) in enumerate(units):
            row = torch.zeros(k, w)
            for ch, value in coef.items():
                row[ch] = value
            fc.weight[j] = row.flatten()
            fc.bias[j] = bias
            out.weight[0, j] = weight
    layers = [("flatten", nn.Flatten()), ("fc", fc), ("fc_relu", nn.ReLU()), ("out", out)]
    return nn.Sequential(OrderedDict(layers)).eval()


def control_channels(filters: pd.DataFrame, k: int) -> tuple[int, int, int]:
    """Channels ``(a, b, c)`` of the positive-control head: the filters that detect the
    first XOR pattern, the second and the AND pattern (rows 0, 2 and 1 of a
    :func:`~deepresolve.paper.synthetic.filters.filter_identity` table ordered ``(xor_a,
    and, xor_b)``). When one filter detects both XOR patterns (or an XOR pattern and the
    AND pattern), the later pattern gets the lowest channel that detects no pattern."""
    if len(filters) != 3:
        raise ValueError(f"need the filter table of 3 patterns (xor_a, and, xor_b), got "
                         f"{len(filters)} rows")  # fmt: skip
    chosen = [int(f) for f in filters["filter_activity"]]
    if max(chosen) >= k:
        raise ValueError(f"filter {max(chosen)} out of range for K={k}")
    free = iter(ch for ch in range(k) if ch not in chosen)
    taken: list[int] = []
    for row in (0, 1, 2):
        taken.append(chosen[row] if chosen[row] not in taken else next(free))
    a, c, b = taken
    return a, b, c


def xor_landscape(
    model: nn.Sequential,
    test: SyntheticData,
    res: Resolution,
    filters: pd.DataFrame,
    n_points: int = 41,
    max_context: int = 500,
    seed: int = 0,
) -> Landscape:
    """:class:`Landscape` of a dataset I ``model`` (``filters``: its
    :func:`~deepresolve.paper.synthetic.filters.filter_identity` table, rows ``(xor_a, and,
    xor_b)``): the logit over the XOR filters' activations in two windows of up to
    ``max_context`` test sequences carrying the AND pattern only, on a grid from 0 to 1.6x
    the patterns' typical activation; the data points are the four XOR cases with the AND
    pattern (typical activation where a pattern is planted, 0 where it is not); the optima
    are :func:`strongest_windows` of ``res``'s feature importance maps."""
    from deepresolve.layers import feature_maps, split_sequential
    from deepresolve.paper.synthetic.models import resolve_layer

    motifs = [str(m) for m in test.motifs]
    xa, and_, xb = motifs
    a, b = int(filters["filter_activity"].iloc[0]), int(filters["filter_activity"].iloc[2])
    body, head = split_sequential(model, resolve_layer(model))
    once = (test.planted == test.contains).all(axis=1)
    spec = {
        "width": model.conv.kernel_size[0],
        "pool": model.pool.kernel_size if "pool" in dict(model.named_children()) else 1,
    }

    def typical(m: int, channel: int) -> float:
        rows = np.flatnonzero(once & test.planted[:, m] & test.planted[:, 1])[:max_context]
        if len(rows) == 0:
            return float("nan")
        maps = feature_maps(body, test.x[rows].astype(np.float32), device="cpu")
        return float(pattern_activation(maps, channel, test.positions[rows, m],
                                        len(motifs[m]), **spec).mean())  # fmt: skip

    ta, tb = typical(0, a), typical(2, b)
    context = np.flatnonzero(once & (test.planted == [False, True, False]).all(axis=1))
    if len(context) == 0:
        raise ValueError(f"no test sequence carries {and_} alone: cannot draw the landscape")
    maps = feature_maps(body, test.x[context[:max_context]].astype(np.float32), device="cpu")
    top = 1.6 * np.nanmax([ta, tb, 0.5])
    grid = np.linspace(0.0, top, n_points)
    if res.fims is None:
        raise ValueError("the resolution keeps no feature importance maps (keep_fims=False)")
    return Landscape(
        channels=(a, b), names=(xa, xb), values_a=grid, values_b=grid,
        logits=logit_landscape(head, maps, (a, b), grid, grid, seed=seed),
        optima=strongest_windows(res.fims[0], (a, b)),
        optima_sum=res.fims[0][:, [a, b]].sum(axis=2).astype(np.float64),
        cases={and_: (0.0, 0.0), f"+{xa}": (ta, 0.0), f"+{xb}": (0.0, tb), "+both": (ta, tb)},
        base=f"{len(maps)} test sequences with {and_} only",
    )  # fmt: skip
