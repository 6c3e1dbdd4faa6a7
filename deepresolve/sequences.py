"""DNA sequences: one-hot encoding, the Zeng et al. 2016 text format, FASTA, and
uniform dinucleotide shuffles.

One-hot arrays are channel-first, ``(N, 4, L)``, alphabet order ``ACGT``; ``N`` and
other letters encode as all-zero columns.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from deepresolve.io import atomic_path

ALPHABET = "ACGT"
_LOOKUP = np.full(256, -1, dtype=np.int8)
for _i, _b in enumerate(ALPHABET):
    _LOOKUP[ord(_b)] = _i
    _LOOKUP[ord(_b.lower())] = _i


def one_hot(seqs: Sequence[str], dtype: type = np.float32) -> np.ndarray:
    """Encode equal-length strings as ``(N, 4, L)``; raises on unequal lengths."""
    if len(seqs) == 0:
        return np.zeros((0, 4, 0), dtype=dtype)
    lengths = {len(s) for s in seqs}
    if len(lengths) != 1:
        raise ValueError(f"sequences must have equal length, got lengths {sorted(lengths)[:5]}")
    raw = np.frombuffer("".join(seqs).encode("ascii"), dtype=np.uint8).reshape(len(seqs), -1)
    idx = _LOOKUP[raw]
    out = np.zeros((len(seqs), 4, raw.shape[1]), dtype=dtype)
    n, pos = np.nonzero(idx >= 0)
    out[n, idx[n, pos], pos] = 1
    return out


def decode(x: np.ndarray) -> list[str]:
    """Inverse of :func:`one_hot` for ``(N, 4, L)`` (argmax; all-zero columns -> ``N``)."""
    x = np.asarray(x)
    letters = np.array(list(ALPHABET + "N"))
    idx = np.where(x.sum(axis=1) > 0, x.argmax(axis=1), 4)
    return ["".join(row) for row in letters[idx]]


def reverse_complement(x: np.ndarray) -> np.ndarray:
    """Reverse complement of one-hot ``(..., 4, L)`` (ACGT order makes it a double flip)."""
    return np.asarray(x)[..., ::-1, ::-1].copy()


def random_sequences(n: int, length: int, rng: np.random.Generator) -> list[str]:
    """``n`` i.i.d. uniform random DNA strings of ``length`` bp."""
    letters = np.array(list(ALPHABET))
    return ["".join(row) for row in letters[rng.integers(0, 4, size=(n, length))]]


def dinucleotide_shuffle(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Uniform dinucleotide-preserving shuffles (Altschul-Erickson / Kandel et al.) of
    one-hot ``(N, 4, L)`` sequences, via ``dinuc_shuf``."""
    from dinuc_shuf import shuffle

    x = np.asarray(x)
    shuffled = shuffle(np.ascontiguousarray(x.transpose(0, 2, 1)).astype(np.uint8), rng=rng)
    return shuffled.transpose(0, 2, 1).astype(x.dtype)


# --- Zeng et al. 2016 format: "chrN:start-end <sequence> <0|1>" per line -------------

ZENG_COLUMNS = ["region", "sequence", "label"]


def read_zeng(path: str | os.PathLike) -> pd.DataFrame:
    """Read a ``train.data``/``test.data`` file into columns region, sequence, label."""
    path = Path(path)
    try:
        df = pd.read_csv(path, sep=r"\s+", header=None, names=ZENG_COLUMNS, dtype=str)
    except pd.errors.ParserError as err:
        raise ValueError(f"{path}: not in 'region sequence label' format: {err}") from err
    if df.empty:
        raise ValueError(f"{path}: no sequences")
    bad = ~df["label"].isin(["0", "1"])
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{path}: line {row + 1}: label must be 0 or 1, got {df['label'][row]!r}")
    lengths = df["sequence"].str.len()
    if lengths.nunique() != 1:
        raise ValueError(f"{path}: sequences have different lengths {sorted(lengths.unique())[:5]}")
    df["label"] = df["label"].astype(np.int8)
    return df


def write_zeng(path: str | os.PathLike, df: pd.DataFrame) -> None:
    """Write columns region, sequence, label in the Zeng et al. format, atomically."""
    missing = set(ZENG_COLUMNS) - set(df.columns)
    if missing:
        raise ValueError(f"cannot write {path}: missing columns {sorted(missing)}")
    with atomic_path(path) as tmp:
        df[ZENG_COLUMNS].to_csv(tmp, sep=" ", header=False, index=False)


def read_fasta(path: str | os.PathLike) -> tuple[list[str], list[str]]:
    """Names and upper-case sequences of a (possibly gzipped) FASTA file."""
    from Bio import SeqIO

    path = Path(path)
    opener = _gzip_open if path.suffix == ".gz" else open
    with opener(path, "rt") as fh:
        records = list(SeqIO.parse(fh, "fasta"))
    if not records:
        raise ValueError(f"{path}: no FASTA records")
    return [r.id for r in records], [str(r.seq).upper() for r in records]


def _gzip_open(path: Path, mode: str):
    import gzip

    return gzip.open(path, mode)
