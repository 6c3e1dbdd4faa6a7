"""The published DeepSEA files: members of its tarballs, and its ``.mat`` data sets.

The training bundle (``deepsea_train_bundle.v0.9.tar.gz``) holds ``train.mat`` (MATLAB
v7.3 = HDF5, stored transposed) and ``valid.mat``/``test.mat`` (MATLAB v5); sequences are
one-hot in ``AGCT`` order, which :func:`read_mat` turns into this project's ``ACGT``.
"""

from __future__ import annotations

import os
import shutil
import tarfile
from pathlib import Path

import numpy as np

from deepresolve.io import atomic_path
from deepresolve.paper.deepsea.models import AGCT_TO_ACGT


def extract_member(archive: str | os.PathLike, suffix: str, dest: str | os.PathLike) -> Path:
    """Copy the first member of the tarball ``archive`` whose name ends with ``suffix`` to
    ``dest`` (atomically, streaming); ``KeyError`` naming both when there is none."""
    with tarfile.open(archive) as tar:
        for member in tar:
            if member.isfile() and member.name.endswith(suffix):
                src = tar.extractfile(member)
                with atomic_path(dest) as tmp, open(tmp, "wb") as out:
                    shutil.copyfileobj(src, out, length=1 << 22)
                return Path(dest)
    raise KeyError(f"{archive}: no member ending in {suffix!r}")


def validate_tarball(*suffixes: str):
    """A ``deepresolve.download.fetch`` validator: the file is a tarball holding members
    ending in each of ``suffixes``."""

    def check(path: Path) -> None:
        try:
            with tarfile.open(path) as tar:
                names = tar.getnames()
        except (tarfile.TarError, OSError, EOFError) as err:
            raise ValueError(f"{path}: not a readable tarball ({err})") from err
        for suffix in suffixes:
            if not any(n.endswith(suffix) for n in names):
                raise ValueError(f"{path}: no member ending in {suffix!r}")

    return check


def read_mat(
    path: str | os.PathLike, split: str, n: int | None = None, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Sequences ``(N, 4, L)`` uint8 (``ACGT``) and labels ``(N, C)`` uint8 of a DeepSEA
    ``<split>.mat`` (split: train, valid or test), optionally a random subset of ``n``."""
    if split not in ("train", "valid", "test"):
        raise ValueError(f"split must be train, valid or test, got {split!r}")
    kx, ky = f"{split}xdata", f"{split}data"
    import h5py

    try:
        if h5py.is_hdf5(path):  # MATLAB v7.3: HDF5, arrays stored transposed
            with h5py.File(path, "r") as f:
                x, y = np.asarray(f[kx]).transpose(2, 1, 0), np.asarray(f[ky]).T
        else:
            from scipy.io import loadmat

            mat = loadmat(path, variable_names=[kx, ky])
            x, y = mat[kx], mat[ky]
    except KeyError as err:
        raise KeyError(f"{path}: no variable {err} (expected {kx}, {ky})") from err
    if x.ndim != 3 or x.shape[1] != 4 or y.shape[0] != x.shape[0]:
        raise ValueError(f"{path}: unexpected shapes {kx} {x.shape}, {ky} {y.shape}")
    if n is not None and n < len(x):
        keep = np.sort(np.random.default_rng(seed).choice(len(x), size=n, replace=False))
        x, y = x[keep], y[keep]
    return np.ascontiguousarray(x[:, AGCT_TO_ACGT]).astype(np.uint8), y.astype(np.uint8)
