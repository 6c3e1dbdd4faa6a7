"""Where and how a run's numbers were computed: the run record (``run.json``: config files,
seed, configuration, commit) and one row per resolution, model and TOMTOM table
(``tables/run_provenance.tsv``), read from the files themselves."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from deepresolve.io import atomic_path, read_provenance
from deepresolve.resolution import Resolution

__all__ = ["PROVENANCE_COLUMNS", "git_commit", "provenance_table", "write_run_record"]

PROVENANCE_COLUMNS = [
    "file", "kind", "device", "device_name", "precision", "torch", "trained_by",
    "tomtom_backend", "tomtom_distance",
]  # fmt: skip


def _row(path: str | os.PathLike, results: Path, kind: str, info: Mapping[str, Any]) -> dict:
    row = dict.fromkeys(PROVENANCE_COLUMNS, "")
    row.update({k: str(v) for k, v in info.items() if k in PROVENANCE_COLUMNS})
    row["file"] = os.path.relpath(path, results)
    row["kind"] = kind
    return row


def provenance_table(
    results: str | os.PathLike,
    resolutions: Sequence[str | os.PathLike] = (),
    models: Sequence[str | os.PathLike] = (),
    tomtom_tables: Sequence[str | os.PathLike] = (),
) -> pd.DataFrame:
    """One row per file: a resolution's device and precision (its ``params``), a model's
    training device or who trained it (its ``provenance``), a TOMTOM table's backend and
    distance (its ``tomtom_backend``/``tomtom_distance`` columns, which must hold one
    value each). ``file`` is relative to ``results``."""
    results = Path(results)
    rows = []
    for path in resolutions:
        rows.append(_row(path, results, "resolution", Resolution.load(path).params))
    for path in models:
        rows.append(_row(path, results, "model", read_provenance(path)))
    for path in tomtom_tables:
        table = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
        cols = ["tomtom_backend", "tomtom_distance"]
        if not set(cols) <= set(table.columns):
            raise ValueError(f"{path}: a TOMTOM table must record {cols}")
        method = table[cols].drop_duplicates()
        for _, m in method.iterrows():
            rows.append(_row(path, results, "TOMTOM table", m.to_dict()))
    return pd.DataFrame(rows, columns=PROVENANCE_COLUMNS)


def git_commit(folder: str | os.PathLike) -> str:
    """The git commit of the checkout at ``folder`` (12 hex digits), with a note when
    tracked files differ from it; ``"unknown (not a git checkout)"`` without git."""
    git = ["git", "-C", str(folder)]
    try:
        run = {"capture_output": True, "text": True, "check": True}
        head = subprocess.run([*git, "rev-parse", "--short=12", "HEAD"], **run).stdout.strip()
        dirty = subprocess.run([*git, "status", "--porcelain", "--untracked-files=no"], **run)
        dirty = dirty.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return head + (" with uncommitted changes" if dirty else "")


def write_run_record(path: str | os.PathLike, config: Mapping[str, Any],
                     configfiles: Sequence[str], commit: str) -> None:  # fmt: skip
    """``run.json``: the configuration files, seed, device setting, analyses, commit and the
    whole configuration of a run (what the README's results section is stamped with)."""
    record = {
        "configfiles": [str(f) for f in configfiles],
        "seed": config["seed"],
        "device": config["device"],
        "analyses": list(config["analyses"]),
        "commit": commit,
        "config": dict(config),
    }
    with atomic_path(path) as tmp:
        Path(tmp).write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
