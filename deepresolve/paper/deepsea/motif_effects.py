"""What the trained model, and DeepResolve's reading of it, make of each planted motif of
the simulated compendium.

- :func:`motif_regression`: least-squares fit of each class's logit on the motifs'
  presence in held-out sequences, ``logit_c ~ b_c + sum_m B_cm z_m``. ``B`` is what the
  model does with each motif; its class similarity (:func:`model_implied_similarity`) is the
  ceiling for any method that reads class relationships off the model at motif level.
- :func:`channel_motif_response`: how much each channel of the analysed layer rises when a
  motif is planted into random sequence, ``A (K, M)`` (the channel-to-motif map).
- :func:`motif_importance`: a per-channel importance ``(C, K)`` taken to motif level,
  ``I = V A``: the first-order change of the logit when the motif is planted, if ``V`` is
  the logit's gradient with respect to the channel (DeepResolve's FIV at the ascent optimum
  of ``S(H) - l2 ||H||^2`` is the gradient there divided by ``2 l2``).
- :func:`data_gradient` and :func:`channel_ablation`: the same per-channel quantities on
  real sequences: the mean gradient of the logit on a class's positives, and the logit's
  drop when one channel is zeroed in them; :func:`motif_ablation` zeroes all the channels
  of a motif; :func:`baseline_gradient` is the gradient at ``H = 0``.
- :func:`data_motif_response`: the channel-to-motif map read off the held-out data instead
  (each channel's activation regressed on motif presence), a check of the planted map that
  involves no planting; :func:`map_agreement` compares the two maps motif by motif.
- :func:`ascent_diagnostics`: where DeepResolve's ascent ends, per class: the logit at the
  optimum ``H*``, the fraction of ``H*`` below 0 (a ReLU output is never below 0 on data),
  and how exactly ``H*`` is a stationary point of ``S(H) - l2 ||H||^2`` (a check of the
  ascent, not of the method).
- :func:`class_motif_table`: per class, the factor and context motifs' coefficients and
  importances side by side, whether the model learnt each of the class's motifs, and how
  DeepResolve's channel ranking agrees with the model's channel use on data.
- :func:`analyse_motif_effects`: all of the above on one trained model and its test set.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from scipy.stats import spearmanr
from torch import nn

import deepresolve
from deepresolve.layers import feature_maps, split_sequential
from deepresolve.motifs.jaspar import MotifSet
from deepresolve.paper.deepsea.compendium import class_kind
from deepresolve.paper.deepsea.models import RESOLVE_LAYER, resolved_shape
from deepresolve.runtime import get_device
from deepresolve.similarity import class_similarity
from deepresolve.training import predict_logits


@dataclass
class MotifRegression:
    """Per class: intercept ``(C,)``, motif coefficients ``coef (C, M)`` in logit units,
    and the fraction of the logit's variance they explain ``r2 (C,)``."""

    intercept: np.ndarray
    coef: np.ndarray
    r2: np.ndarray


def motif_regression(logits: np.ndarray, z: np.ndarray) -> MotifRegression:
    """Least-squares fit of each column of ``logits (N, C)`` on motif presence ``z (N, M)``
    (bool or 0/1) with an intercept."""
    logits = np.asarray(logits, dtype=np.float64)
    z = np.asarray(z, dtype=np.float64)
    if logits.ndim != 2 or z.ndim != 2 or len(logits) != len(z):
        raise ValueError(f"need logits (N, C) and z (N, M), got {logits.shape} and {z.shape}")
    if len(z) <= z.shape[1] + 1:
        raise ValueError(f"{len(z)} sequences cannot fit {z.shape[1]} motif coefficients")
    design = np.column_stack([np.ones(len(z)), z])
    beta, *_ = np.linalg.lstsq(design, logits, rcond=None)
    resid = logits - design @ beta
    total = ((logits - logits.mean(axis=0)) ** 2).sum(axis=0)
    r2 = 1.0 - (resid**2).sum(axis=0) / np.where(total > 0, total, 1.0)
    return MotifRegression(intercept=beta[0], coef=beta[1:].T.copy(), r2=r2)


def model_implied_similarity(coef: np.ndarray) -> np.ndarray:
    """DeepResolve's class-similarity formula (Pearson of positive parts) applied to the
    motif coefficients ``(C, M)`` of :func:`motif_regression`: ``(C, C)``."""
    return class_similarity(coef)


@torch.no_grad()
def channel_motif_response(
    body: nn.Module,
    pwms: Sequence[np.ndarray],
    length: int,
    n: int = 256,
    sharpness: float = 3.0,
    seed: int = 0,
    batch_size: int = 256,
    device=None,
) -> np.ndarray:
    """``A (K, M)``: mean rise of each channel's activation, summed over positions, when one
    instance of motif ``m`` (sampled from ``pwms[m]`` raised to ``sharpness``, random
    strand and position) is planted into each of ``n`` random sequences of ``length`` bp.

    ``body`` maps one-hot ``(N, 4, length)`` to the analysed layer ``(N, K, W)``; the same
    random sequences serve every motif, and the rise is against the unplanted sequence.
    """
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    widths = [np.asarray(p).shape[1] for p in pwms]
    if not pwms or max(widths) > length:
        raise ValueError(f"need motifs no longer than length={length} bp, got widths {widths}")
    device = get_device(device)
    body = body.eval().to(device)
    rng = np.random.default_rng(seed)
    background = rng.integers(0, 4, size=(n, length))

    def activation(seq: np.ndarray) -> np.ndarray:
        x = np.zeros((len(seq), 4, length), dtype=np.float32)
        np.put_along_axis(x, seq[:, None, :], 1.0, axis=1)
        out = [
            body(torch.as_tensor(x[i : i + batch_size], device=device)).sum(dim=2).cpu()
            for i in range(0, len(x), batch_size)
        ]
        return torch.cat(out).numpy().astype(np.float64)  # (n, K)

    base = activation(background)
    cols = []
    for pwm in pwms:
        p = np.asarray(pwm, dtype=np.float64) ** sharpness
        p = p / p.sum(axis=0)
        width = p.shape[1]
        planted = background.copy()
        starts = rng.integers(0, length - width + 1, size=n)
        flip = rng.random(n) < 0.5
        for i in range(n):
            probs = p[::-1, ::-1] if flip[i] else p  # ACGT: reverse complement
            bases = (rng.random(width)[None, :] > np.cumsum(probs, axis=0)).sum(axis=0)
            planted[i, starts[i] : starts[i] + width] = np.minimum(bases, 3)
        cols.append((activation(planted) - base).mean(axis=0))
    return np.stack(cols, axis=1)


def motif_importance(channel_importance: np.ndarray, response: np.ndarray) -> np.ndarray:
    """Motif-level importance ``(C, M) = channel_importance (C, K) @ response (K, M)``."""
    v, a = np.asarray(channel_importance, np.float64), np.asarray(response, np.float64)
    if v.ndim != 2 or a.ndim != 2 or v.shape[1] != a.shape[0]:
        raise ValueError(f"need (C, K) and (K, M), got {v.shape} and {a.shape}")
    return v @ a


def data_motif_response(h: np.ndarray, z: np.ndarray) -> np.ndarray:
    """``(K, M)``: coefficient of motif ``m``'s presence ``z (N, M)`` in a least-squares fit
    of each channel's activation summed over positions, ``h (N, K, W)``, on all motifs'
    presence (with an intercept): the channel-to-motif map as the data show it."""
    h = np.asarray(h, dtype=np.float64)
    if h.ndim != 3:
        raise ValueError(f"need h (N, K, W), got {h.shape}")
    return motif_regression(h.sum(axis=2), z).coef


def map_agreement(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``(M,)``: Pearson correlation over channels of two ``(K, M)`` channel-to-motif maps,
    motif by motif (NaN where a column is constant)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape or a.ndim != 2:
        raise ValueError(f"need two (K, M) maps of one shape, got {a.shape} and {b.shape}")
    a, b = a - a.mean(axis=0), b - b.mean(axis=0)
    den = np.sqrt((a**2).sum(axis=0) * (b**2).sum(axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, (a * b).sum(axis=0) / den, np.nan)


def ascent_diagnostics(
    head: nn.Module, fims: np.ndarray, l2: float, device=None
) -> dict[str, np.ndarray]:
    """Where the ascent ended, per class, averaged over starts of ``fims (C, T, K, W)``:

    - ``ascent_logit``: the class's logit at ``H*``;
    - ``ascent_negative``: fraction of the entries of ``H*`` below 0;
    - ``ascent_residual``: ``||grad S(H*) - 2 l2 H*|| / ||grad S(H*)||``, 0 at an exact
      stationary point of ``S(H) - l2 ||H||^2``; small values mean the optimiser did its
      job, so what ``H*`` credits is the objective's answer, not an optimisation error.
    """
    fims = np.asarray(fims, dtype=np.float32)
    if fims.ndim != 4:
        raise ValueError(f"need fims (C, T, K, W), got {fims.shape}")
    device = get_device(device)
    head = head.eval().to(device)
    out = {k: np.zeros(len(fims)) for k in ("ascent_logit", "ascent_negative", "ascent_residual")}
    for c, starts in enumerate(fims):
        hb = torch.as_tensor(starts, device=device).requires_grad_(True)
        score = head(hb)[:, c]
        (grad,) = torch.autograd.grad(score.sum(), hb)
        h = hb.detach()
        resid = (grad - 2 * l2 * h).flatten(1).norm(dim=1) / grad.flatten(1).norm(dim=1)
        out["ascent_logit"][c] = float(score.detach().mean())
        out["ascent_negative"][c] = float((h < 0).float().mean())
        out["ascent_residual"][c] = float(resid.mean())
    return out


def _batches(h: np.ndarray, batch_size: int, device) -> list[torch.Tensor]:
    return [
        torch.as_tensor(h[i : i + batch_size], dtype=torch.float32, device=device)
        for i in range(0, len(h), batch_size)
    ]


def data_gradient(
    head: nn.Module,
    h: np.ndarray,
    y: np.ndarray,
    batch_size: int = 256,
    min_positives: int = 5,
    device=None,
) -> np.ndarray:
    """``(C, K)``: for each class, the gradient of its logit with respect to the analysed
    layer ``h (N, K, W)``, averaged over positions and over the class's positives
    (``y (N, C)``); NaN rows for classes with fewer than ``min_positives`` positives."""
    device = get_device(device)
    head = head.eval().to(device)
    y = np.asarray(y).astype(bool)
    out = np.full((y.shape[1], h.shape[1]), np.nan)
    for c in range(y.shape[1]):
        rows = np.flatnonzero(y[:, c])
        if len(rows) < min_positives:
            continue
        total = np.zeros(h.shape[1])
        for hb in _batches(h[rows], batch_size, device):
            hb.requires_grad_(True)
            (grad,) = torch.autograd.grad(head(hb)[:, c].sum(), hb)
            total += grad.mean(dim=2).sum(dim=0).cpu().numpy()
        out[c] = total / len(rows)
    return out


def baseline_gradient(head: nn.Module, feature_shape: Sequence[int], device=None) -> np.ndarray:
    """``(C, K)``: the gradient of every class's logit with respect to the analysed layer at
    ``H = 0`` (every channel off), averaged over positions: a reading of the head that does
    not depend on where the data or the ascent put ``H``."""
    device = get_device(device)
    head = head.eval().to(device)
    k, w = (int(v) for v in feature_shape)
    h0 = torch.zeros(1, k, w, device=device, requires_grad=True)
    out = head(h0)[0]
    rows = [torch.autograd.grad(out[c], h0, retain_graph=True)[0][0].mean(dim=1)
            for c in range(len(out))]  # fmt: skip
    return torch.stack(rows).cpu().numpy().astype(np.float64)


@torch.no_grad()
def channel_ablation(
    head: nn.Module,
    h: np.ndarray,
    y: np.ndarray,
    batch_size: int = 256,
    min_positives: int = 5,
    device=None,
) -> np.ndarray:
    """``(C, K)``: mean drop of each class's logit on its positives when one channel of the
    analysed layer ``h (N, K, W)`` is set to 0 at every position (its direct effect on the
    model's decision); NaN rows for classes with fewer than ``min_positives`` positives."""
    device = get_device(device)
    head = head.eval().to(device)
    y = np.asarray(y, dtype=np.float64)
    n_cls, k = y.shape[1], h.shape[1]
    total = np.zeros((n_cls, k))
    for start, hb in zip(range(0, len(h), batch_size), _batches(h, batch_size, device),
                         strict=True):  # fmt: skip
        yb = y[start : start + len(hb)]
        if not yb.any():
            continue
        full = head(hb).cpu().numpy()
        for ch in range(k):
            ablated = hb.clone()
            ablated[:, ch] = 0.0
            total[:, ch] += ((full - head(ablated).cpu().numpy()) * yb).sum(axis=0)
    count = y.sum(axis=0)
    out = total / np.maximum(count, 1)[:, None]
    out[count < min_positives] = np.nan
    return out


@torch.no_grad()
def motif_ablation(
    head: nn.Module,
    h: np.ndarray,
    y: np.ndarray,
    response: np.ndarray,
    frac: float = 0.25,
    batch_size: int = 256,
    min_positives: int = 5,
    device=None,
) -> np.ndarray:
    """``(C, M)``: mean drop of each class's logit on its positives when the channels that
    respond to motif ``m`` (``response[k, m] >= frac * max_k response[k, m] > 0``, see
    :func:`channel_motif_response`) are all set to 0 in ``h (N, K, W)``: how much the model,
    on real sequences, needs the channels that carry the motif. NaN rows for classes with
    fewer than ``min_positives`` positives, NaN columns for motifs no channel responds to."""
    device = get_device(device)
    head = head.eval().to(device)
    a = np.asarray(response, dtype=np.float64)
    top = a.max(axis=0)
    masks = [np.flatnonzero(a[:, m] >= frac * top[m]) if top[m] > 0 else None
             for m in range(a.shape[1])]  # fmt: skip
    y = np.asarray(y, dtype=np.float64)
    total = np.zeros((y.shape[1], a.shape[1]))
    for start, hb in zip(range(0, len(h), batch_size), _batches(h, batch_size, device),
                         strict=True):  # fmt: skip
        yb = y[start : start + len(hb)]
        if not yb.any():
            continue
        full = head(hb).cpu().numpy()
        for m, channels in enumerate(masks):
            if channels is None:
                continue
            ablated = hb.clone()
            ablated[:, torch.as_tensor(channels, device=device)] = 0.0
            total[:, m] += ((full - head(ablated).cpu().numpy()) * yb).sum(axis=0)
    count = y.sum(axis=0)
    out = total / np.maximum(count, 1)[:, None]
    out[count < min_positives] = np.nan
    out[:, [m is None for m in masks]] = np.nan
    return out


def class_motif_table(
    class_names: Sequence[str],
    motif_names: Sequence[str],
    factor_weights: np.ndarray,
    context_weights: np.ndarray,
    regression: MotifRegression,
    importances: dict[str, np.ndarray],
    channel_agreement: dict[str, np.ndarray] | None = None,
    min_coef: float = 1.0,
    per_motif: dict[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    """One row per class: its factor and context motifs (those with positive true weight;
    several are joined with ``+``), the model's coefficient of each (the smallest over the
    class's factor motifs, and of its context motif), ``r2``, ``factor_learned``: every factor motif
    has a coefficient of at least ``min_coef`` logit units, ``learned``: every motif with
    a positive true weight has a coefficient of at least ``min_coef`` logit units, and for
    each entry ``name -> (C, M)`` of ``importances`` the same two motif-level values
    (``<name>_factor``, ``<name>_context``) and the factor's share of their positive parts
    (``<name>_factor_share``; also ``coef_factor_share``). ``channel_agreement``: extra
    per-class columns ``(C,)`` (e.g. Spearman rho of OFIV with the channel ablation).
    ``per_motif``: ``name -> (M,)`` values of each motif (e.g. :func:`map_agreement`),
    reported as ``<name>_factor`` and ``<name>_context`` (smallest over the class's motifs).
    """
    fw, cw = np.asarray(factor_weights), np.asarray(context_weights)
    coef = regression.coef
    if coef.shape != fw.shape or fw.shape != cw.shape or len(class_names) != len(fw):
        raise ValueError(
            f"shapes differ: coef {coef.shape}, factor weights {fw.shape}, context weights "
            f"{cw.shape}, {len(class_names)} class names"
        )
    motif_names = list(motif_names)
    rows = []
    for c, name in enumerate(class_names):
        fac, ctx = np.flatnonzero(fw[c] > 0), np.flatnonzero(cw[c] > 0)
        row = dict(
            class_=name,
            kind=class_kind(name),
            factor_motif="+".join(motif_names[m] for m in fac),
            context_motif="+".join(motif_names[m] for m in ctx),
            r2=float(regression.r2[c]),
        )
        for what, mat in [("coef", coef), *importances.items()]:
            mat = np.asarray(mat, dtype=np.float64)
            f = float(mat[c, fac].min()) if len(fac) else np.nan
            x = float(mat[c, ctx].min()) if len(ctx) else np.nan
            row[f"{what}_factor"], row[f"{what}_context"] = f, x
            pf, px = max(f, 0.0), max(x, 0.0)
            row[f"{what}_factor_share"] = pf / (pf + px) if len(ctx) and pf + px > 0 else np.nan
        for what, values in (per_motif or {}).items():
            values = np.asarray(values, dtype=np.float64)
            row[f"{what}_factor"] = float(values[fac].min()) if len(fac) else np.nan
            row[f"{what}_context"] = float(values[ctx].min()) if len(ctx) else np.nan
        positive = np.flatnonzero((fw[c] + cw[c]) > 0)
        row["factor_learned"] = bool(len(fac) and (coef[c, fac] >= min_coef).all())
        row["learned"] = bool(len(positive) and (coef[c, positive] >= min_coef).all())
        for col, values in (channel_agreement or {}).items():
            row[col] = float(np.asarray(values)[c])
        rows.append(row)
    return pd.DataFrame(rows).rename(columns={"class_": "class"})


def channel_rank_agreement(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per row, Spearman correlation of two ``(C, K)`` channel importances (NaN where
    either row is constant or missing)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} and {b.shape}")
    out = np.full(len(a), np.nan)
    for c in range(len(a)):
        if np.isfinite(a[c]).all() and np.isfinite(b[c]).all() and a[c].std() and b[c].std():
            out[c] = spearmanr(a[c], b[c]).statistic
    return out


def analyse_motif_effects(
    model: nn.Sequential,
    class_names: Sequence[str],
    ofiv: np.ndarray,
    test: Mapping[str, np.ndarray],
    motifs: MotifSet,
    motif_names: Sequence[str],
    factor_weights: np.ndarray,
    context_weights: np.ndarray,
    cfg: Mapping,
    ascent: Mapping,
    sharpness: float,
    insert_seed: int,
    ascent_seed: int,
    device=None,
    others: Mapping[str, np.ndarray] | None = None,
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Everything this module measures, on one trained compendium model.

    ``ofiv`` ``(C, K)``: DeepResolve's result at ``ascent`` (``resolve`` keywords);
    ``test``: held-out ``x (N, 4, L)``, labels ``y (N, C)``, motif presence ``z (N, M)``;
    ``motifs``: the ``M`` planted PWMs, named ``motif_names``; ``cfg``: the motif-effects
    config (``n_insert``, ``min_coef``); ``insert_seed`` seeds the motif planting,
    ``ascent_seed`` the extra ascent (that of ``ofiv``'s run, so the starts are the same);
    ``others``: DeepResolve's OFIVs ``(C, K)`` under other ascents, by name (the ascent
    sensitivity's), taken to motif level as ``deepresolve_<name>``. Prints the map check
    and the classes whose model missed a motif. Returns the per-class table and the arrays
    behind it.
    """
    x, y, z = np.asarray(test["x"], dtype=np.float32), test["y"], test["z"]
    motif_names = [str(m) for m in motif_names]
    body, head = split_sequential(model, RESOLVE_LAYER)
    shape = resolved_shape(model, x.shape[2])
    logits = predict_logits(model, x, device=device)
    reg = motif_regression(logits, z)
    response = channel_motif_response(
        body, motifs.pwms, x.shape[2], n=cfg["n_insert"], sharpness=sharpness, seed=insert_seed,
        device=device,
    )  # fmt: skip
    h = feature_maps(body, x, device=device)
    data_map = data_motif_response(h, z)
    map_r = map_agreement(response, data_map)
    print(
        "channel-to-motif map, planted vs data (Pearson over channels): "
        + ", ".join(f"{m}={r:.2f}" for m, r in zip(motif_names, map_r, strict=True))
    )
    grad = data_gradient(head, h, y, device=device)
    ablation = channel_ablation(head, h, y, device=device)
    importance = {
        "deepresolve": motif_importance(ofiv, response),
        "deepresolve_datamap": motif_importance(ofiv, data_map),
        "gradient": motif_importance(grad, response),
        "baseline_gradient": motif_importance(baseline_gradient(head, shape, device), response),
        "ablation": motif_ablation(head, h, y, response, device=device),
    }
    # DeepResolve under other ascents (resolved elsewhere, same model and seed)
    for name, other_ofiv in (others or {}).items():
        importance[f"deepresolve_{name}"] = motif_importance(other_ofiv, response)
    # where the ascent ends (two starts per class at the configured l2, optimum kept)
    check = deepresolve.resolve(
        head, shape, **{**ascent, "n_init": 2}, seed=ascent_seed, device=device, keep_fims=True,
        progress=False,
    )  # fmt: skip
    n_pos = y.astype(bool).sum(axis=0)
    agreement = {
        "data_logit": np.where(n_pos > 0, (logits * y).sum(axis=0) / np.maximum(n_pos, 1), np.nan),
        **ascent_diagnostics(head, check.fims, ascent["l2"], device=device),
        "rho_ofiv_gradient": channel_rank_agreement(ofiv, grad),
        "rho_ofiv_ablation": channel_rank_agreement(ofiv, ablation),
        "rho_gradient_ablation": channel_rank_agreement(grad, ablation),
    }
    table = class_motif_table(
        class_names, motif_names, factor_weights, context_weights, reg, importance, agreement,
        min_coef=cfg["min_coef"], per_motif={"map_r": map_r},
    )  # fmt: skip
    missed = list(table.loc[~table["learned"], "class"])
    print(f"classes whose model learnt every motif (coefficient >= {cfg['min_coef']}): "
          f"{len(table) - len(missed)}/{len(table)}; not: {missed}")  # fmt: skip
    arrays = dict(
        class_names=np.array(class_names), motif_names=np.array(motif_names), coef=reg.coef,
        intercept=reg.intercept, r2=reg.r2, response=response, data_response=data_map,
        map_r=map_r, gradient=grad, ablation=ablation,
        **{f"{k}_motif": v for k, v in importance.items()},
    )  # fmt: skip
    return table, arrays
