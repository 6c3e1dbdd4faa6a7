"""A small HTML page for one :class:`~deepresolve.Resolution`: the FIV ensemble of each
class (IL, OFIV, non-additive stars), the OFIVs across classes, the class similarity
with its clustering, and a table per class; figures as PNG files beside the page."""

from __future__ import annotations

import html
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from deepresolve.io import save_figure, write_text
from deepresolve.plotting.resolution import fiv_ensemble, ofiv_map, similarity_map
from deepresolve.resolution import Resolution


def class_table(res: Resolution, top: int = 5) -> list[dict[str, Any]]:
    """Per class: label, GMM components, non-additive channels, the ``top`` channels by
    OFIV (``channel (OFIV)``), the mean class score of the starts."""
    rows = []
    for c, label in enumerate(res.labels()):
        order = np.argsort(-res.ofiv[c])[:top]
        rows.append({
            "class": label,
            "GMM components": int(res.n_components[c]),
            "non-additive channels": ", ".join(map(str, np.flatnonzero(res.nonadditive[c])))
            or "-",
            f"top {top} channels (OFIV)": ", ".join(f"{k} ({res.ofiv[c, k]:.3g})" for k in order),
            "mean score": f"{float(res.scores[c].mean()):.3g}",
        })  # fmt: skip
    return rows


def _table_html(rows: list[Mapping[str, Any]]) -> str:
    if not rows:
        return ""
    head = "".join(f"<th>{html.escape(str(k))}</th>" for k in rows[0])
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row.values()) + "</tr>"
        for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def write_page(
    res: Resolution,
    out_dir: str | os.PathLike,
    title: str = "DeepResolve",
    about: Mapping[str, Any] | None = None,
    max_ensembles: int = 12,
) -> Path:
    """Write ``out_dir/index.html`` and its figures (``out_dir/figures/*.png``); returns the
    page's path. ``about``: facts shown at the top (model, layer, settings);
    ``max_ensembles``: FIV ensembles drawn (classes with most GMM components first)."""
    out = Path(out_dir)
    figures = out / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    parts = [f"<h1>{html.escape(title)}</h1>"]
    facts = dict(about or {})
    facts.update(
        classes=res.n_classes, starts=res.n_init, channels=res.n_channels,
        **{"classes with > 1 GMM component": int((res.n_components > 1).sum())},
    )  # fmt: skip
    parts.append(_table_html([{"": k, "value": v} for k, v in facts.items()]))

    def figure(fig, name: str, caption: str) -> None:
        save_figure(fig, figures / name)
        plt.close(fig)
        parts.append(
            f'<figure><img src="figures/{name}" alt="{html.escape(caption)}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>"
        )

    parts.append("<h2>OFIVs across classes</h2>")
    figure(ofiv_map(res), "ofiv.png", "Overall feature importance of every channel per class "
           "(red positive, blue negative); stars: non-additive channels.")  # fmt: skip
    if res.n_classes >= 2:
        parts.append("<h2>Class similarity</h2>")
        figure(similarity_map(res), "similarity.png", "Pearson correlation of the non-negative "
               "OFIVs between classes, ordered by average-linkage clustering.")  # fmt: skip
    parts.append("<h2>Classes</h2>")
    parts.append(_table_html(class_table(res)))
    order = np.argsort(-res.n_components, kind="stable")[:max_ensembles]
    parts.append(f"<h2>FIV ensembles ({len(order)} of {res.n_classes} classes)</h2>")
    for c in order:
        label = res.labels()[c]
        figure(fiv_ensemble(res, int(c)), f"fiv_ensemble_{int(c)}.png",
               f"Class {label}: the FIV of every random start (red positive, blue negative), "
               "the inconsistency level, the OFIV; stars mark non-additive channels.")  # fmt: skip
    style = (
        "body{font-family:sans-serif;max-width:1100px;margin:auto}img{max-width:100%}"
        "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px}"
    )
    page = out / "index.html"
    write_text(page, f"<!doctype html><html><head><meta charset='utf-8'><title>"
               f"{html.escape(title)}</title><style>{style}</style></head><body>"
               + "\n".join(parts) + "</body></html>\n")  # fmt: skip
    return page
