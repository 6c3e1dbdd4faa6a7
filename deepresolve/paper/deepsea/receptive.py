"""Sequence features of intermediate channels (the paper's Figure 6): for each channel of
the analysed layer, l2-regularised gradient ascent of its activation over its receptive
field, started from the training fragments that activate it most, then a thresholded,
column-normalised PWM of each result for TOMTOM.

``body`` maps one-hot ``(N, 4, L)`` to the analysed layer ``(N, K, W)`` (for DeepSEA the
first two conv blocks, receptive field 51 bp, stride 16); on exactly one receptive field
``(N, 4, 51)`` it returns ``(N, K, 1)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from torch import nn

from deepresolve.ascent import ascend
from deepresolve.io import save_npz
from deepresolve.motifs.pwm import filter_pwms, trim
from deepresolve.paper.deepsea.models import receptive_field
from deepresolve.runtime import get_device


@torch.no_grad()
def top_fragments(
    body: nn.Module, x: np.ndarray, n_top: int = 10, batch_size: int = 256, device=None
) -> tuple[np.ndarray, np.ndarray]:
    """The ``n_top`` receptive-field fragments of ``x`` ``(N, 4, L)`` that activate each
    channel most (one per sequence at most, so the starts differ).

    Returns fragments ``(K, n_top, 4, R)`` float32 and their activations ``(K, n_top)``.
    """
    size, stride = receptive_field(body)
    if x.shape[2] < size:
        raise ValueError(f"sequences of {x.shape[2]} bp are shorter than the {size} bp field")
    if n_top < 1 or n_top > len(x):
        raise ValueError(f"n_top must be in [1, {len(x)}] (the number of sequences), got {n_top}")
    device = get_device(device)
    body = body.eval().to(device)
    best_val, best_pos = [], []
    for i in range(0, len(x), batch_size):
        h = body(torch.as_tensor(x[i : i + batch_size], dtype=torch.float32, device=device))
        val, pos = h.max(dim=2)  # best position per sequence and channel: (n, K)
        best_val.append(val.cpu())
        best_pos.append(pos.cpu())
    val, pos = torch.cat(best_val).numpy(), torch.cat(best_pos).numpy()  # (N, K)
    order = np.argsort(-val, axis=0, kind="stable")[:n_top].T  # (K, n_top) sequence indices
    k_idx = np.arange(val.shape[1])[:, None]
    starts = pos[order, k_idx] * stride  # (K, n_top)
    windows = starts[..., None] + np.arange(size)  # (K, n_top, R)
    frags = np.asarray(x)[order[..., None], :, windows]  # (K, n_top, R, 4)
    return frags.transpose(0, 1, 3, 2).astype(np.float32), val[order, k_idx]


@dataclass
class ChannelAscent:
    """Gradient-ascent inputs ``(K, S, 4, R)`` per channel and start, their channel
    activations ``(K, S)``, and the activations of the starting fragments ``(K, S)``."""

    inputs: np.ndarray
    activation: np.ndarray
    start_activation: np.ndarray

    def save(self, path) -> None:
        save_npz(path, **self.__dict__)

    @classmethod
    def load(cls, path) -> ChannelAscent:
        with np.load(path) as f:
            try:
                return cls(**{k: f[k] for k in ("inputs", "activation", "start_activation")})
            except KeyError as err:
                raise ValueError(f"{path}: not a saved ChannelAscent ({err})") from err


def channel_ascent(
    body: nn.Module,
    fragments: np.ndarray,
    l2: float = 0.01,
    steps: int = 500,
    lr: float = 0.05,
    device=None,
    batch_size: int | None = None,
) -> ChannelAscent:
    """Maximise ``a_k(x) - l2 * ||x||^2`` over inputs ``x (4, R)`` for each channel ``k``,
    from each of its fragments ``(K, S, 4, R)`` (:func:`top_fragments`), with the batched
    Adam ascent of :func:`deepresolve.ascent.ascend`. ``x`` is unconstrained; the PWM step
    (:func:`ascent_pwms`) keeps its positive part."""
    frags = np.asarray(fragments, dtype=np.float32)
    if frags.ndim != 4 or frags.shape[2] != 4:
        raise ValueError(f"fragments must be (K, S, 4, R), got shape {frags.shape}")
    k, s, _, r = frags.shape
    device = get_device(device)
    head = nn.Sequential(body, nn.Flatten()).eval().to(device)
    try:
        with torch.no_grad():
            out = head(torch.zeros(1, 4, r, device=device))
    except RuntimeError as err:
        raise ValueError(f"the body does not take {r} bp inputs: not one receptive field") from err
    if out.shape[1] != k:
        raise ValueError(
            f"the body gives {out.shape[1]} values on a {r} bp input; expected one per channel "
            f"({k}): fragments must be exactly one receptive field long"
        )
    h0 = torch.as_tensor(frags.reshape(k * s, 4, r))
    targets = torch.as_tensor(np.repeat(np.arange(k), s))
    chunk = len(h0) if batch_size is None else batch_size
    inputs, act, start_act = [], [], []
    for i in range(0, len(h0), chunk):
        rows = slice(i, i + chunk)
        with torch.no_grad():
            a0 = head(h0[rows].to(device))[torch.arange(len(h0[rows])), targets[rows].to(device)]
        res = ascend(head, h0[rows].to(device), targets[rows].to(device), l2=l2, steps=steps,
                     lr=lr)  # fmt: skip
        inputs.append(res.h.cpu())
        act.append(res.score.cpu())
        start_act.append(a0.cpu())
    return ChannelAscent(
        inputs=torch.cat(inputs).view(k, s, 4, r).numpy(),
        activation=torch.cat(act).view(k, s).numpy(),
        start_activation=torch.cat(start_act).view(k, s).numpy(),
    )


def ascent_pwms(inputs: np.ndarray, threshold: float = 0.5, min_ic: float = 0.25) -> list:
    """PWMs from gradient-ascent inputs ``(..., 4, R)``: entries below ``threshold`` times the
    input's largest entry are set to 0 (the heuristic threshold), columns normalised to sum 1
    (an empty column becomes uniform), then low-information flanks trimmed
    (:func:`deepresolve.motifs.pwm.trim` at ``min_ic`` bits, at least 4 columns kept).

    Returns a flat list of ``(4, L_i)`` PWMs in the order of ``inputs.reshape(-1, 4, R)``.
    """
    x = np.asarray(inputs, dtype=np.float64)
    flat = x.reshape(-1, 4, x.shape[-1])
    peak = flat.max(axis=(1, 2), keepdims=True)
    kept = np.where(flat >= threshold * np.maximum(peak, 1e-12), flat, 0.0)
    return [trim(p, min_ic=min_ic, min_width=4) for p in filter_pwms(kept)]


def channel_motifs(
    ascent: ChannelAscent, threshold: float = 0.5, min_ic: float = 0.25, n_starts: int | None = None
):
    """The PWMs of :func:`ascent_pwms` as a :class:`~deepresolve.motifs.jaspar.MotifSet` with ids
    ``ch<k>_s<s>`` (channel ``k``, start ``s``), ready for TOMTOM; with ``n_starts`` only
    each channel's ``n_starts`` starts of highest final activation."""
    from deepresolve.motifs.jaspar import MotifSet

    k, s = ascent.inputs.shape[:2]
    n = s if n_starts is None else min(int(n_starts), s)
    if n < 1:
        raise ValueError(f"n_starts must be >= 1, got {n_starts}")
    starts = np.sort(np.argsort(-ascent.activation, axis=1, kind="stable")[:, :n], axis=1)
    chosen = ascent.inputs[np.arange(k)[:, None], starts]  # (K, n, 4, R)
    ids = [f"ch{c}_s{t}" for c in range(k) for t in starts[c]]
    return MotifSet(ids, ids, ascent_pwms(chosen, threshold, min_ic))


def channel_motif_table(
    hits: pd.DataFrame,
    ascent: ChannelAscent,
    q_cut: float = 0.005,
    planted: list[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Summaries of a TOMTOM table of :func:`channel_motifs` queries.

    Returns ``pairs``: the best (lowest q, then p) start of every (channel, target) pair,
    and ``table``: one row per channel with its best match over starts and targets
    (columns channel, query, start, target, target_name, pvalue, evalue, qvalue,
    orientation, significant = q < ``q_cut``, activation and start_activation of that
    start, and ``planted``: whether the target is one of the ``planted`` motif ids, when
    given). Channels without any reported pair have empty match columns.
    """
    k, s = ascent.activation.shape
    parsed = hits["query"].str.extract(r"^ch(\d+)_s(\d+)$")
    if parsed.isna().any().any():
        raise ValueError("TOMTOM queries must be named ch<channel>_s<start>")
    hits = hits.assign(channel=parsed[0].astype(int), start=parsed[1].astype(int))
    ranked = hits.sort_values(["qvalue", "pvalue", "query"], kind="stable")
    pairs = ranked.drop_duplicates(["channel", "target"]).reset_index(drop=True)
    best = ranked.drop_duplicates("channel").set_index("channel")
    cols = ["query", "start", "target", "target_name", "pvalue", "evalue", "qvalue",
            "orientation"]  # fmt: skip
    table = best[cols].reindex(range(k))
    table.index.name = "channel"
    table = table.reset_index()
    table["significant"] = table["qvalue"] < q_cut
    start = table["start"].fillna(0).astype(int).to_numpy()
    table["activation"] = ascent.activation[np.arange(k), start]
    table["start_activation"] = ascent.start_activation[np.arange(k), start]
    if planted is not None:
        table["planted"] = table["target"].isin(set(planted)) & table["significant"]
    table["start"] = table["start"].astype("Int64")
    return pairs, table
