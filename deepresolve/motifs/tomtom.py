"""TOMTOM motif comparison (Gupta et al. 2007): the MEME suite binary or memelite.

Every query is compared with every target; p-values use all target columns as the
background, so compare against a whole collection (e.g.
:func:`deepresolve.motifs.jaspar.load_jaspar`) and read off the p-value of the motif of
interest (:func:`match_pvalue`), never against a single target.

Backends:

- ``"meme"``: MEME's ``tomtom`` with the authors' flags ``-incomplete-scores -thresh 1``
  and the defaults of the MEME 4 releases they used, made explicit because MEME 5 changed
  them: Pearson correlation distance (``-dist pearson``) and no pseudocount
  (``-motif-pseudo 0``). q-values are MEME's (per query, Storey's pi0 estimate).
- ``"memelite"``: memelite's numba TOMTOM, which matches MEME's ``-dist ed`` (Euclidean,
  complete scores) closely and has neither Pearson distance nor incomplete scores.
  E-values are ``p * n_targets`` as in MEME; q-values are Benjamini-Hochberg per query.
  Under Euclidean distance an uninformative query (e.g. all columns 0.25) matches
  low-information targets "significantly" (p ~ 1e-5 against JASPAR2014): trim low-information
  flanks (:func:`deepresolve.motifs.pwm.trim`) before comparing.
- ``"auto"``: ``"meme"`` when :func:`find_tomtom` finds the binary, else ``"memelite"``
  (logged; :func:`resolve_backend` says which, for the tables that record it).
"""

from __future__ import annotations

import io
import logging
import os
import subprocess
import tempfile
from collections.abc import Iterable

import numpy as np
import pandas as pd

from deepresolve.motifs.jaspar import MotifSet, write_meme
from deepresolve.motifs.meme_binary import find_meme_program

__all__ = [
    "COLUMNS",
    "MEME_FIX",
    "find_tomtom",
    "resolve_backend",
    "tomtom",
    "match_pvalue",
    "best_matches",
]

log = logging.getLogger(__name__)

COLUMNS = [
    "query",
    "target",
    "target_name",
    "offset",
    "pvalue",
    "evalue",
    "qvalue",
    "overlap",
    "orientation",
]
ENV_VAR = "DEEPRESOLVE_TOMTOM"
_MEME_COLUMNS = {
    "Query_ID": "query",
    "Target_ID": "target",
    "Optimal_offset": "offset",
    "p-value": "pvalue",
    "E-value": "evalue",
    "q-value": "qvalue",
    "Overlap": "overlap",
    "Orientation": "orientation",
}


def find_tomtom() -> str | None:
    """Path of MEME's ``tomtom``: ``$DEEPRESOLVE_TOMTOM``, else ``tomtom`` on ``PATH``,
    else ``<repo>/.tools/bin/tomtom`` (built by ``bash envs/build_tomtom.sh``); ``None``
    when there is none. A ``$DEEPRESOLVE_TOMTOM`` that is not an executable file raises
    ``ValueError``."""
    return find_meme_program("tomtom", ENV_VAR)


MEME_FIX = (
    "put MEME's tomtom on PATH (`make tomtom` builds MEME 5.4.1's into .tools/bin; or "
    "`bash envs/build_tomtom.sh`, or set $DEEPRESOLVE_TOMTOM), or run with conda "
    "(--sdm conda, envs/meme.yaml)"
)
_DISTANCES = {"meme": "pearson", "memelite": "ed"}


def resolve_backend(backend: str = "auto", dist: str | None = None) -> tuple[str, str]:
    """The TOMTOM implementation and distance :func:`tomtom` runs for ``backend`` and
    ``dist``: ``("meme", "pearson")`` or ``("memelite", "ed")`` by default. ``"auto"``
    picks ``"meme"`` when :func:`find_tomtom` finds the binary, else ``"memelite"``, and
    logs its choice; ``"meme"`` without the binary raises ``ValueError`` naming the fix."""
    if backend not in ("auto", "meme", "memelite"):
        raise ValueError(f"backend must be 'auto', 'meme' or 'memelite', got {backend!r}")
    if backend == "auto":
        binary = find_tomtom()
        backend = "meme" if binary is not None else "memelite"
        log.info(
            "TOMTOM backend 'auto' chose %s (%s)", backend,
            f"MEME's tomtom at {binary}" if binary else "no MEME tomtom found: memelite, "
            "Euclidean distance",
        )  # fmt: skip
    elif backend == "meme" and find_tomtom() is None:
        raise ValueError(f"backend='meme' but no MEME tomtom binary was found: {MEME_FIX}")
    if backend == "memelite" and dist not in (None, "ed"):
        raise ValueError(f"memelite's tomtom has only dist='ed', got dist={dist!r}")
    return backend, dist or _DISTANCES[backend]


def tomtom(
    queries: MotifSet,
    targets: MotifSet,
    backend: str = "auto",
    thresh: float = 1.0,
    dist: str | None = None,
    incomplete_scores: bool = True,
    motif_pseudo: float = 0.0,
    threads: int = 1,
) -> pd.DataFrame:
    """Compare every query motif with every target motif (both target strands).

    Returns one row per reported (query, target) pair, the best offset and strand of
    each, with columns :data:`COLUMNS`: ``query``, ``target``, ``target_name``,
    ``offset`` (target column aligned with query column 0; may be negative),
    ``pvalue``, ``evalue``, ``qvalue``, ``overlap`` (aligned columns), ``orientation``
    (``"+"``, or ``"-"`` for the reverse complement of the target). Rows are grouped
    by query in query order and sorted by p-value within a query. Pairs with q-value
    above ``thresh`` (in (0, 1]) are left out, as MEME does; ``thresh=1`` keeps all.

    ``dist`` defaults to ``"pearson"`` for the MEME binary and ``"ed"`` for memelite
    (its only distance); ``incomplete_scores`` and ``motif_pseudo`` apply to the binary
    only. ``threads``: parallel ``tomtom`` processes over chunks of queries (MEME; the
    table is the same), or numba threads (memelite).

    Cost (one busy core; ``benchmarks/tomtom_backends.tsv``): MEME's p-value tables grow
    with the cube of the query width: about 0.1-0.3 s per query of width 8-12 and 1-2 s
    at width 20-25 against the 205 JASPAR2014 motifs, 2-3 times that against the 519 of
    JASPAR2016; memelite takes about 10 ms per query after a one-off numba compilation of
    about a minute (cached in its ``__pycache__``).
    """
    if not isinstance(queries, MotifSet) or not isinstance(targets, MotifSet):
        raise TypeError("tomtom() takes two MotifSets (deepresolve.motifs.jaspar.MotifSet)")
    if len(queries) == 0 or len(targets) == 0:
        raise ValueError(f"tomtom needs motifs: {len(queries)} queries, {len(targets)} targets")
    if not 0 < thresh <= 1:
        raise ValueError(f"thresh is a q-value threshold in (0, 1], got {thresh}")
    if motif_pseudo < 0:
        raise ValueError(f"motif_pseudo must be >= 0, got {motif_pseudo}")
    backend, dist = resolve_backend(backend, dist)
    if backend == "meme":
        too_wide = [i for i, p in zip(queries.ids, queries.pwms, strict=True) if p.shape[1] > 100]
        if too_wide:
            # MEME skips queries wider than 100 columns with only a warning
            raise ValueError(f"MEME tomtom takes queries of width <= 100; too wide: {too_wide[:5]}")
        hits = _tomtom_meme(
            find_tomtom(), queries, targets, thresh, dist, incomplete_scores, motif_pseudo, threads
        )
    else:
        hits = _tomtom_memelite(queries, targets, thresh, threads)
    return _finish(hits, queries, targets)


def _tomtom_meme(
    binary: str,
    queries: MotifSet,
    targets: MotifSet,
    thresh: float,
    dist: str,
    incomplete_scores: bool,
    motif_pseudo: float,
    threads: int,
) -> pd.DataFrame:
    # MEME computes each query's p-values and q-values on its own, so contiguous chunks
    # of queries run as parallel processes give the same table.
    n_chunks = max(1, min(int(threads), len(queries)))
    chunks = np.array_split(np.arange(len(queries)), n_chunks)
    with tempfile.TemporaryDirectory(prefix="deepresolve-tomtom-") as tmp:
        tpath = os.path.join(tmp, "targets.meme")
        write_meme(tpath, targets)
        flags = ["-text", "-verbosity", "1", "-no-ssc", "-dist", dist, "-thresh"]
        flags += [repr(float(thresh)), "-motif-pseudo", repr(float(motif_pseudo))]
        if incomplete_scores:
            flags.append("-incomplete-scores")
        procs = []
        for k, chunk in enumerate(chunks):
            qpath = os.path.join(tmp, f"queries{k}.meme")
            write_meme(qpath, queries.subset([queries.ids[i] for i in chunk]))
            cmd = [binary, *flags, qpath, tpath]
            out, err = open(f"{qpath}.out", "w+"), open(f"{qpath}.err", "w+")
            procs.append((cmd, out, err, subprocess.Popen(cmd, stdout=out, stderr=err, text=True)))
        tables, failure = [], None
        for cmd, out, err, proc in procs:
            code = proc.wait()
            out.seek(0)
            err.seek(0)
            text, message = out.read(), err.read()
            out.close()
            err.close()
            if code != 0 and failure is None:
                failure = f"tomtom failed (exit {code}): {' '.join(cmd)}\n{message[-2000:]}"
            tables.append(text)
    if failure is not None:
        raise RuntimeError(failure)
    table = pd.concat([_parse_meme(text) for text in tables], ignore_index=True)
    if thresh >= 1 and len(table) != len(queries) * len(targets):
        # every pair is reported at thresh 1: anything less means MEME dropped motifs
        raise RuntimeError(f"tomtom reported {len(table)} of {len(queries)} x {len(targets)} pairs")
    return table


def _parse_meme(text: str) -> pd.DataFrame:
    # Trailing "# ..." lines are MEME's version and command line; ids may contain "#".
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    table = pd.read_csv(
        io.StringIO("\n".join(lines) + "\n"),
        sep="\t",
        dtype={"Query_ID": str, "Target_ID": str, "Orientation": str},
        keep_default_na=False,
    )
    missing = set(_MEME_COLUMNS) - set(table.columns)
    if missing:
        raise RuntimeError(f"unexpected tomtom output, missing columns {sorted(missing)}")
    return table.rename(columns=_MEME_COLUMNS)[list(_MEME_COLUMNS.values())]


def _tomtom_memelite(
    queries: MotifSet, targets: MotifSet, thresh: float, threads: int
) -> pd.DataFrame:
    from memelite.tomtom import tomtom as _memelite_tomtom
    from scipy.stats import false_discovery_control

    pvals, _, offsets, overlaps, strands = _memelite_tomtom(
        [np.ascontiguousarray(p) for p in queries.pwms],
        [np.ascontiguousarray(p) for p in targets.pwms],
        n_jobs=max(int(threads), 1),
    )
    pvals = np.clip(np.nan_to_num(pvals, nan=1.0), 0.0, 1.0)
    qvals = false_discovery_control(pvals, axis=1, method="bh")
    nq, nt = pvals.shape
    hits = pd.DataFrame(
        {
            "query": np.repeat(queries.ids, nt),
            "target": np.tile(targets.ids, nq),
            "offset": offsets.ravel().astype(np.int64),
            "pvalue": pvals.ravel(),
            "evalue": pvals.ravel() * nt,
            "qvalue": qvals.ravel(),
            "overlap": overlaps.ravel().astype(np.int64),
            "orientation": np.where(strands.ravel() > 0, "-", "+"),
        }
    )
    return hits[hits["qvalue"] <= thresh]


def _finish(hits: pd.DataFrame, queries: MotifSet, targets: MotifSet) -> pd.DataFrame:
    names = dict(zip(targets.ids, targets.names, strict=True))
    order = {q: k for k, q in enumerate(queries.ids)}
    hits = hits.assign(
        query=hits["query"].astype(str),
        target=hits["target"].astype(str),
        target_name=hits["target"].astype(str).map(names),
        offset=hits["offset"].astype(np.int64),
        overlap=hits["overlap"].astype(np.int64),
        pvalue=hits["pvalue"].astype(np.float64),
        evalue=hits["evalue"].astype(np.float64),
        qvalue=hits["qvalue"].astype(np.float64),
        orientation=hits["orientation"].astype(str),
    )
    unknown = set(hits["query"]) - set(order) | set(hits["target"]) - set(names)
    if unknown:
        raise RuntimeError(f"tomtom reported unknown motif ids {sorted(unknown)[:5]}")
    hits = hits.assign(_q=hits["query"].map(order))
    hits = hits.sort_values(["_q", "pvalue", "target"], kind="stable")
    return hits.drop(columns="_q")[COLUMNS].reset_index(drop=True)


def match_pvalue(hits: pd.DataFrame, query: str, target_ids: str | Iterable[str]) -> float:
    """Lowest p-value of ``query`` against any of ``target_ids`` in a :func:`tomtom`
    table; 1.0 when no such pair was reported."""
    ids = {target_ids} if isinstance(target_ids, str) else set(target_ids)
    sel = hits.loc[(hits["query"] == query) & hits["target"].isin(ids), "pvalue"]
    return float(sel.min()) if len(sel) else 1.0


def best_matches(hits: pd.DataFrame, by: str = "pvalue") -> pd.DataFrame:
    """The best target of every query in a :func:`tomtom` table (lowest ``by``:
    ``"pvalue"``, ``"evalue"`` or ``"qvalue"``; ties go to the lower p-value, then the
    target id), one row per query in first-appearance order."""
    if by not in ("pvalue", "evalue", "qvalue"):
        raise ValueError(f"by must be 'pvalue', 'evalue' or 'qvalue', got {by!r}")
    order = {q: k for k, q in enumerate(pd.unique(hits["query"]))}
    ranked = hits.assign(_q=hits["query"].map(order)).sort_values(
        ["_q", by, "pvalue", "target"], kind="stable"
    )
    return (
        ranked.drop_duplicates("query")
        .drop(columns="_q")[list(hits.columns)]
        .reset_index(drop=True)
    )
