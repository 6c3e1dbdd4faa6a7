"""Figure 3: input-level attributions (DeepLIFT, signed saliency, saliency x input) on
one positive and one negative example of synthetic dataset I.

Rows are methods, columns are examples. DeepLIFT and saliency x input are drawn as
signed logos (letters above the axis for positive scores, below for negative); the
signed saliency has a value for every base and is drawn as a ``4 x L`` heat map.
Planted patterns are shaded and labelled with their summed attribution and, when given,
the filter that detects them (by activity, :mod:`deepresolve.paper.synthetic.filters`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from deepresolve.baselines import input_deeplift, input_gradient_x_input, input_saliency
from deepresolve.paper.synthetic.data import SyntheticData
from deepresolve.plotting.logos import draw_signed_logo
from deepresolve.sequences import ALPHABET

METHODS = ("DeepLIFT", "saliency", "saliency x input")


def xor_examples(
    data: SyntheticData, logits: np.ndarray, candidates: np.ndarray | None = None
) -> list[dict]:
    """The paper's two dataset I examples among rows ``candidates`` (default: all): the
    most confidently predicted positive carrying the AND pattern and the second XOR pattern
    only, and the most confidently predicted negative carrying all three patterns. Each
    pattern occurs exactly once (where planted). ``logits`` ``(N,)``.

    Returns dicts with ``title``, ``x`` ``(4, L)``, ``motifs`` [(pattern, start)], ``logit``.
    """
    idx = np.arange(len(data)) if candidates is None else np.asarray(candidates)
    logits = np.asarray(logits, dtype=float).ravel()
    once = (data.planted == data.contains).all(axis=1)
    _, and_, xor_b = data.motifs
    wanted = [
        ("positive", np.array([False, True, True]), 1, lambda v: v),
        ("negative", np.array([True, True, True]), 0, lambda v: -v),
    ]
    out = []
    for name, combo, label, confidence in wanted:
        ok = idx[once[idx] & (data.planted[idx] == combo).all(axis=1) & (data.y[idx, 0] == label)]
        if len(ok) == 0:
            raise ValueError(
                f"no {name} example with exactly the patterns {list(data.motifs[combo])}"
            )
        # The most confidently correct one; if none is correct (an untrained model), the
        # least wrong, flagged in the title.
        best = int(ok[np.argmax(confidence(logits[ok]))])
        correct = confidence(logits[best]) > 0
        motifs = [(str(m), int(data.positions[best, i])) for i, m in enumerate(data.motifs)
                  if combo[i]]  # fmt: skip
        patterns = " + ".join(m for m, _ in motifs)
        out.append({
            "title": f"{name} example ({patterns}; logit {logits[best]:+.2f}"
            + ("" if correct else ", misclassified") + ")",
            "x": data.x[best].astype(np.float32), "motifs": motifs, "logit": logits[best],
            "index": best,
        })  # fmt: skip
    return out


def input_attributions(
    model, x: np.ndarray, n_shuffles: int = 20, seed: int = 0, target: int = 0
) -> dict[str, np.ndarray]:
    """The three input-level attributions of Figure 3 for one-hot ``x`` ``(4, L)`` and
    logit ``target``: DeepLIFT (``n_shuffles`` dinucleotide-shuffled references), signed
    saliency and saliency x input, each ``(4, L)`` in logit units."""
    xb = np.asarray(x, dtype=np.float32)[None]
    return {
        "DeepLIFT": input_deeplift(
            model, xb, target, n_shuffles=n_shuffles, seed=seed, device="cpu"
        )[0],  # fmt: skip
        "saliency": input_saliency(model, xb, target, device="cpu")[0],
        "saliency x input": input_gradient_x_input(model, xb, target, device="cpu")[0],
    }


def motif_attribution(scores: np.ndarray, x: np.ndarray, start: int, width: int) -> float:
    """Summed attribution of the observed bases ``x`` ``(4, L)`` over ``[start, start+width)``."""
    return float((np.asarray(scores) * np.asarray(x))[:, start : start + width].sum())


def plot_fig3(
    examples: Sequence[Mapping],
    motif_colors: Mapping[str, str] | None = None,
    motif_filters: Mapping[str, int] | None = None,
) -> Figure:
    """One column per example. Each example is a mapping with ``title`` (str), ``x``
    ``(4, L)`` one-hot, ``motifs`` (list of ``(pattern, start)``), and one ``(4, L)``
    score array per name in :data:`METHODS`. ``motif_filters`` (pattern -> filter) adds
    the detecting filter to each pattern's label."""
    if not examples:
        raise ValueError("plot_fig3 needs at least one example")
    colors = dict(motif_colors or {})
    palette = iter(plt.cm.Set2.colors)
    fig, axes = plt.subplots(
        len(METHODS), len(examples), figsize=(8.0 * len(examples), 6.6), squeeze=False
    )
    for j, ex in enumerate(examples):
        x = np.asarray(ex["x"], dtype=float)
        for i, method in enumerate(METHODS):
            ax = axes[i, j]
            scores = np.asarray(ex[method], dtype=float)
            if scores.shape != x.shape:
                raise ValueError(f"{method} scores {scores.shape} do not match x {x.shape}")
            if method == "saliency":
                lim = float(np.abs(scores).max()) or 1.0
                extent = (-0.5, x.shape[1] - 0.5, 3.5, -0.5)
                ax.imshow(scores, aspect="auto", cmap="RdBu_r", vmin=-lim, vmax=lim,
                          interpolation="nearest", extent=extent)  # fmt: skip
                ax.set_yticks(range(4), list(ALPHABET), fontsize=7)
                ax.set_xticks([])
            else:
                draw_signed_logo(ax, scores)
            for pattern, start in ex["motifs"]:
                if pattern not in colors:
                    colors[pattern] = next(palette)
                ax.axvspan(start - 0.5, start + len(pattern) - 0.5, color=colors[pattern],
                           alpha=0.3, lw=0)  # fmt: skip
                total = motif_attribution(scores, x, start, len(pattern))
                name = pattern
                if motif_filters and pattern in motif_filters:
                    name += f" (f{int(motif_filters[pattern])})"
                ax.text(start + len(pattern) / 2 - 0.5, 1.02, f"{name}\n{total:+.3g}",
                        transform=ax.get_xaxis_transform(), ha="center", va="bottom",
                        fontsize=7)  # fmt: skip
            if j == 0:
                ax.set_ylabel(method, fontsize=9)
            if i == 0:
                ax.set_title(ex["title"], fontsize=10, pad=26)
    fig.tight_layout()
    return fig
