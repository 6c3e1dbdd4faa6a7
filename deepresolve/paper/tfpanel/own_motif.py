"""The authors' Table 1 protocol: each motif compared with its own TF's motif(s) only.

The authors' ``2_match_DR.py`` ran MEME's ``tomtom -incomplete-scores -thresh 1`` with an
experiment's top-k filter PWMs as queries and a target file holding only that
experiment's known JASPAR motif(s), and counted a hit when the E-value was at most 0.5 or
0.05. TOMTOM's p-values use the target columns as the background, so against one target
they differ from the p-values of a whole-collection run
(:func:`deepresolve.paper.tfpanel.data.known_motif_pvalues`); E = p x the number of
targets, so with one own motif E = p.

Experiments that share a motif set are compared in one TOMTOM run (a query's p-values do
not depend on the other queries), which makes the 422 experiments ~3x faster than one run
each.
"""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from deepresolve.motifs.jaspar import MotifSet
from deepresolve.motifs.pwm import trim as trim_pwm
from deepresolve.motifs.tomtom import tomtom
from deepresolve.paper.tfpanel.data import jaspar_ids

__all__ = ["own_motif_evalues"]


def own_motif_evalues(
    motifs: dict[str, np.ndarray],
    experiments: pd.DataFrame,
    targets: MotifSet,
    backend: str = "meme",
    threads: int = 1,
    min_ic: float | None = None,
    min_width: int = 6,
) -> dict[str, np.ndarray]:
    """E-value of each query motif against its experiment's own JASPAR motif(s).

    ``motifs``: per kind (e.g. ``"filters"``, ``"deepmotif"``) PWMs ``(E, M, 4, W)``, one
    row per experiment of ``experiments`` (columns ``experiment``, ``jaspar_ids``; ids
    ``;``-separated, looked up in ``targets``). Queries are used whole, as the authors
    did, unless ``min_ic`` is given (then low-information flanks are trimmed,
    :func:`deepresolve.motifs.pwm.trim`). ``backend="meme"`` runs MEME's tomtom with the
    authors' flags (Pearson distance, incomplete scores, every pair reported). Returns
    ``{kind: (E, M)}``: the lowest E-value over the experiment's own motifs (``inf``
    for an experiment without one).
    """
    names = list(experiments["experiment"])
    own = [tuple(sorted(jaspar_ids(row))) for _, row in experiments.iterrows()]
    unknown = {i for ids in own for i in ids} - set(targets.ids)
    if unknown:
        raise KeyError(f"JASPAR ids {sorted(unknown)[:5]} are not in the target collection")
    shapes = {}
    for kind, arr in motifs.items():
        arr = np.asarray(arr)
        if arr.ndim != 4 or arr.shape[0] != len(names) or arr.shape[2] != 4:
            raise ValueError(f"{kind}: motifs must be (E={len(names)}, M, 4, W), got {arr.shape}")
        shapes[kind] = arr.shape[:2]
    groups = defaultdict(list)  # own motif set -> experiment rows
    for e, ids in enumerate(own):
        if ids:
            groups[ids].append(e)

    def run(ids: tuple[str, ...]) -> pd.DataFrame:
        qids, pwms = [], []
        for e in groups[ids]:
            for kind, arr in motifs.items():
                for m in range(shapes[kind][1]):
                    pwm = np.asarray(arr[e, m], dtype=np.float64)
                    if min_ic is not None:
                        pwm = trim_pwm(pwm, min_ic=min_ic, min_width=min_width)
                    qids.append(f"{e}|{kind}|{m}")
                    pwms.append(pwm)
        return tomtom(MotifSet(qids, qids, pwms), targets.subset(ids), backend=backend)

    out = {kind: np.full(shape, np.inf) for kind, shape in shapes.items()}
    with ThreadPoolExecutor(max_workers=max(1, int(threads))) as pool:
        for hits in pool.map(run, list(groups)):
            evalue = hits["evalue"].fillna(np.inf)
            best = evalue.groupby(hits["query"]).min()
            for query, value in best.items():
                e, kind, m = query.split("|")
                out[kind][int(e), int(m)] = value
    return out
