"""The authors' own 422 trained TF models and their stored DeepResolve results.

Source: the public repository ``lgsaber/DeepResolve`` at commit :data:`PINNED_COMMIT`,
``models/422tf/<experiment>/{16_G_best_archit.json, 16_G_bestmodel_weights.h5}``
(:data:`DEFAULT_URL`). ``resources/tfpanel/authors_models.tsv`` lists every file with its
md5 and size; :func:`fetch_models` downloads through :func:`deepresolve.download.fetch`,
so every file is checksummed, retried and placed atomically (a ``file://`` base URL
reads a local mirror).

``resources/tfpanel/authors_stored_ofiv.tsv`` holds the authors' own DeepResolve results
for 211 of the experiments (every other one in sorted order), converted from their
published ``statistics/422-ONIV.pkl``: ``experiment``, ``n_components``, ``ofiv_0..15``
and ``il_0..15`` (filters in the weight file's order); :func:`read_stored_results`
reads it, :mod:`deepresolve.paper.tfpanel.calibration` compares a run with it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from deepresolve.download import fetch
from deepresolve.paper.tfpanel.keras import KerasTFModel, read_keras_model

__all__ = [
    "PINNED_COMMIT",
    "DEFAULT_URL",
    "ARCHITECTURE",
    "WEIGHTS",
    "read_model_table",
    "model_paths",
    "fetch_models",
    "load_models",
    "StoredResults",
    "read_stored_results",
    "ofiv_table",
    "experiment_table",
]

PINNED_COMMIT = "8276a28cd8bb3d0ad9ae7eaea2004a148701ed23"
DEFAULT_URL = f"https://raw.githubusercontent.com/lgsaber/DeepResolve/{PINNED_COMMIT}/models/422tf"
ARCHITECTURE = "16_G_best_archit.json"
WEIGHTS = "16_G_bestmodel_weights.h5"
FILES = (ARCHITECTURE, WEIGHTS)


def read_model_table(path: str | os.PathLike) -> pd.DataFrame:
    """The model files table (columns ``experiment``, ``file``, ``md5``, ``bytes``), one
    row per file; raises ``ValueError`` naming ``path`` on a missing column, a bad md5, a
    duplicate row or an experiment that lacks one of its two files."""
    table = pd.read_csv(path, sep="\t", dtype={"experiment": str, "file": str, "md5": str})
    missing = {"experiment", "file", "md5", "bytes"} - set(table.columns)
    if missing:
        raise ValueError(f"{path}: missing columns {sorted(missing)}")
    bad = ~table["md5"].str.fullmatch(r"[0-9a-f]{32}")
    if bad.any():
        raise ValueError(f"{path}: bad md5 {table['md5'][bad].iloc[0]!r}")
    if table.duplicated(["experiment", "file"]).any():
        raise ValueError(f"{path}: duplicate (experiment, file) rows")
    per = table.groupby("experiment")["file"].apply(frozenset)
    incomplete = per[per != frozenset(FILES)]
    if len(incomplete):
        raise ValueError(f"{path}: {incomplete.index[0]!r} does not list exactly {FILES}")
    return table.reset_index(drop=True)


def model_paths(folder: str | os.PathLike, experiment: str) -> tuple[Path, Path]:
    """``(architecture JSON, weights HDF5)`` of one experiment under ``folder``."""
    base = Path(folder) / experiment
    return base / ARCHITECTURE, base / WEIGHTS


def fetch_models(
    base_url: str,
    experiments: Sequence[str],
    folder: str | os.PathLike,
    table: pd.DataFrame,
    retries: int = 3,
) -> list[Path]:
    """Download both files of each experiment from ``<base_url>/<experiment>/<file>``
    into ``<folder>/<experiment>/<file>``, each checked against ``table``'s md5 (files
    already there and intact are kept). Raises ``KeyError`` naming an experiment the
    table does not list, :class:`deepresolve.download.DownloadError` when a file cannot
    be fetched intact."""
    rows = table.set_index(["experiment", "file"])
    known = set(table["experiment"])
    unknown = [e for e in experiments if e not in known]
    if unknown:
        raise KeyError(f"experiments not in the authors' model table: {unknown[:5]}")
    paths = []
    for experiment in experiments:
        for name in FILES:
            md5 = rows.loc[(experiment, name), "md5"]
            url = f"{base_url.rstrip('/')}/{experiment}/{name}"
            target = Path(folder) / experiment / name
            paths.append(fetch(url, target, known_hash=f"md5:{md5}", retries=retries))
    return paths


def load_models(folder: str | os.PathLike, experiments: Sequence[str]) -> list[KerasTFModel]:
    """The downloaded models of ``experiments`` (in order), read with their JSON
    architecture (:func:`deepresolve.paper.tfpanel.keras.read_keras_model`)."""
    models = []
    for experiment in experiments:
        architecture, weights = model_paths(folder, experiment)
        models.append(read_keras_model(weights, architecture))
    return models


def experiment_table(
    experiments: Sequence[str],
    motif_table: str | os.PathLike,
    release: str,
    models: Sequence[KerasTFModel],
) -> pd.DataFrame:
    """The analysed experiments with their TF and known motif in ``release``
    (:func:`deepresolve.motifs.jaspar.experiment_motifs`) and each model's dropout rate
    and input length: columns ``experiment, tf, jaspar_ids, source, match, dropout,
    length`` (``source`` = ``"authors"``). ``KeyError`` naming experiments the motif table
    lacks."""
    from deepresolve.motifs.jaspar import experiment_motifs

    if len(models) != len(experiments):
        raise ValueError(f"{len(models)} models for {len(experiments)} experiments")
    motifs = experiment_motifs(motif_table, release).set_index("experiment")
    missing = [e for e in experiments if e not in motifs.index]
    if missing:
        raise KeyError(f"{os.fspath(motif_table)}: no experiments {missing[:5]}")
    table = motifs.loc[list(experiments)].reset_index()
    return pd.DataFrame(
        {
            "experiment": table["experiment"],
            "tf": table["tf"],
            "jaspar_ids": table["jaspar_id"],
            "source": "authors",
            "match": table["match"],
            "dropout": [m.dropout for m in models],
            "length": [m.length for m in models],
        }
    )


@dataclass
class StoredResults:
    """The authors' stored DeepResolve results: ``experiments`` (``E``), ``n_components``
    ``(E,)``, ``ofiv`` and ``il`` ``(E, K)``."""

    experiments: list[str]
    n_components: np.ndarray
    ofiv: np.ndarray
    il: np.ndarray

    def subset(self, experiments: Sequence[str]) -> StoredResults:
        """The stored rows of those ``experiments`` that have one, in that order."""
        pos = {e: i for i, e in enumerate(self.experiments)}
        idx = [pos[e] for e in experiments if e in pos]
        return StoredResults(
            [self.experiments[i] for i in idx], self.n_components[idx], self.ofiv[idx], self.il[idx]
        )


def read_stored_results(path: str | os.PathLike, n_filters: int = 16) -> StoredResults:
    """Read a table of ``experiment``, ``n_components``, ``ofiv_0..`` and ``il_0..``
    (the authors' stored results, or :func:`ofiv_table`'s output)."""
    table = pd.read_csv(path, sep="\t")
    needed = ["experiment", "n_components"]
    needed += [f"{p}_{k}" for p in ("ofiv", "il") for k in range(n_filters)]
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise ValueError(f"{path}: missing columns {missing[:5]}")
    if table["experiment"].duplicated().any():
        raise ValueError(f"{path}: duplicate experiments")
    return StoredResults(
        list(table["experiment"].astype(str)),
        table["n_components"].to_numpy(np.int64),
        table[[f"ofiv_{k}" for k in range(n_filters)]].to_numpy(np.float64),
        table[[f"il_{k}" for k in range(n_filters)]].to_numpy(np.float64),
    )


def ofiv_table(
    experiments: Sequence[str], n_components: np.ndarray, ofiv: np.ndarray, il: np.ndarray
) -> pd.DataFrame:
    """One row per experiment: ``experiment``, ``n_components``, ``ofiv_0..K-1``,
    ``il_0..K-1`` (the layout of the authors' stored results)."""
    ofiv, il = np.asarray(ofiv), np.asarray(il)
    if ofiv.shape != il.shape or ofiv.shape[0] != len(experiments):
        raise ValueError(f"{len(experiments)} experiments, OFIV {ofiv.shape}, IL {il.shape}")
    k = ofiv.shape[1]
    table = pd.DataFrame({"experiment": list(experiments), "n_components": n_components})
    ofiv_cols = pd.DataFrame(ofiv, columns=[f"ofiv_{i}" for i in range(k)])
    il_cols = pd.DataFrame(il, columns=[f"il_{i}" for i in range(k)])
    return pd.concat([table, ofiv_cols, il_cols], axis=1)
