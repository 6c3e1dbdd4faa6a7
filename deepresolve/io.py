"""Atomic file output: every writer in the project goes through these, so an
interrupted job never leaves a half-written file that looks finished."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it into place only on success.

    The temporary file keeps ``path``'s suffix so writers that infer the format from
    the extension (matplotlib, numpy) still work. Parent folders are created.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(tmp)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual file mode
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text(path: str | os.PathLike, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text)


def write_json(path: str | os.PathLike, obj: Any) -> None:
    write_text(path, json.dumps(obj, indent=2, sort_keys=True, default=_json_default) + "\n")


def write_tsv(path: str | os.PathLike, df: pd.DataFrame, index: bool = False) -> None:
    with atomic_path(path) as tmp:
        df.to_csv(tmp, sep="\t", index=index)


def read_tsv(path: str | os.PathLike, **kwargs: Any) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", **kwargs)


def save_npz(path: str | os.PathLike, **arrays: np.ndarray) -> None:
    """``np.savez_compressed`` written atomically (the path must end in ``.npz``)."""
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        np.savez_compressed(fh, **arrays)


def save_torch(path: str | os.PathLike, obj: Any) -> None:
    """``torch.save`` written atomically. Through a file handle, so the archive's inner
    folder is always ``archive`` and not the temporary file's random name: the same
    weights give the same bytes."""
    import torch

    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        torch.save(obj, fh)


def read_provenance(path: str | os.PathLike) -> dict[str, str]:
    """The ``provenance`` dict a model file written through :func:`save_torch` holds (where
    and how it was trained, :func:`deepresolve.runtime.provenance`); ``{}`` when none."""
    import torch

    blob = torch.load(path, map_location="cpu", weights_only=True)
    return dict(blob.get("provenance", {})) if isinstance(blob, dict) else {}


def load_npz(path: str | os.PathLike, required: list[str], what: str) -> dict[str, np.ndarray]:
    """All arrays of an ``.npz`` file written by :func:`save_npz`; raises ``ValueError``
    naming ``path`` when it is not one or lacks any of the ``required`` arrays."""
    try:
        with np.load(path, allow_pickle=False) as npz:
            data = {k: npz[k] for k in npz.files}
    except (OSError, ValueError) as err:
        raise ValueError(f"{path}: not a saved {what} ({err})") from err
    missing = [k for k in required if k not in data]
    if missing:
        raise ValueError(f"{path}: not a saved {what}, missing arrays {missing}")
    return data


def save_figure(fig: Any, path: str | os.PathLike, dpi: int = 150) -> None:
    """Save a matplotlib figure atomically and close it."""
    import matplotlib.pyplot as plt

    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=dpi, bbox_inches="tight")
    plt.close(fig)


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"cannot serialise {type(obj).__name__} to JSON")
