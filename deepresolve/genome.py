"""Reference genomes and ChIP-seq peak intervals: FASTA through pyfaidx (plain or bgzip,
indexed once, never loaded into memory) and ENCODE narrowPeak files.

Coordinates are 0-based, end-exclusive (BED), as narrowPeak files and pyfaidx's slices use.
"""

from __future__ import annotations

import gzip
import os
import shutil
import struct
import tempfile
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from deepresolve.io import atomic_path

__all__ = [
    "NARROWPEAK_COLUMNS",
    "read_narrowpeak",
    "bgzip_fasta",
    "index_genome",
    "open_genome",
    "chrom_sizes",
    "fetch_sequences",
]

NARROWPEAK_COLUMNS = [
    "chrom", "start", "end", "name", "score", "strand", "signal", "pvalue", "qvalue", "peak",
]  # fmt: skip
_GZIP_ERRORS = (EOFError, OSError, zlib.error, UnicodeDecodeError)


def read_narrowpeak(path: str | os.PathLike) -> pd.DataFrame:
    """Read a (gzipped) narrowPeak file: 10 tab-separated columns
    (:data:`NARROWPEAK_COLUMNS`), 0-based ``start`` < ``end``. Raises ``ValueError`` naming
    the file on a truncated or corrupt file, a wrong column count, non-integer coordinates
    or an empty interval, or when it holds no peaks."""
    path = Path(path)
    try:
        table = pd.read_csv(
            path, sep="\t", header=None, comment="#", dtype=str, keep_default_na=False,
            compression="gzip" if _is_gzip(path) else None,
        )  # fmt: skip
    except pd.errors.EmptyDataError:
        raise ValueError(f"{path}: no peaks") from None
    except (pd.errors.ParserError, *_GZIP_ERRORS) as err:
        raise ValueError(f"{path}: not a readable narrowPeak file ({err})") from err
    if table.shape[1] != len(NARROWPEAK_COLUMNS):
        raise ValueError(f"{path}: {table.shape[1]} columns, narrowPeak has 10")
    table.columns = NARROWPEAK_COLUMNS
    coords = table[["start", "end", "peak"]]
    bad = ~coords.apply(lambda c: c.str.fullmatch(r"-?\d+")).all(axis=1)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{path}: line {row + 1}: start, end and peak must be integers")
    table[["start", "end", "peak"]] = coords.astype(np.int64)
    bad = (table["start"] < 0) | (table["end"] <= table["start"])
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{path}: line {row + 1}: need 0 <= start < end")
    for col in ("score", "signal", "pvalue", "qvalue"):
        table[col] = pd.to_numeric(table[col], errors="coerce")
    return table


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(2) == b"\x1f\x8b"


def bgzip_fasta(source: str | os.PathLike, target: str | os.PathLike) -> Path:
    """Write ``source`` (a plain or gzipped FASTA) as BGZF ``target`` (blocked gzip, which
    pyfaidx reads at random positions), streaming, atomically. Raises ``ValueError``
    naming ``source`` when it is truncated, corrupt or not FASTA; ``target`` is then not
    created."""
    from Bio import bgzf

    source, target = Path(source), Path(target)
    opener = gzip.open if _is_gzip(source) else open
    try:
        with opener(source, "rb") as src, atomic_path(target) as tmp:
            first = src.read(1)
            if first != b">":
                raise ValueError(f"{source}: not a FASTA file (starts with {first!r})")
            with bgzf.BgzfWriter(str(tmp), "wb") as out:
                out.write(first)
                shutil.copyfileobj(src, out, length=1 << 20)
    except _GZIP_ERRORS as err:
        raise ValueError(f"{source}: truncated or corrupt ({err})") from err
    return target


def index_genome(path: str | os.PathLike) -> Path:
    """Build pyfaidx's index of a FASTA (``<path>.fai``, and ``<path>.gzi`` for BGZF)
    unless present, each written atomically. Raises ``ValueError`` naming ``path`` when
    it cannot be indexed (truncated, corrupt, inconsistent line lengths, gzip but not
    BGZF); no index file is left then."""
    import pyfaidx

    path = Path(path)
    fai, gzi = Path(f"{path}.fai"), Path(f"{path}.gzi")
    bgz = _is_gzip(path)
    if fai.exists() and (gzi.exists() or not bgz):
        return fai
    try:
        # Built under temporary names (pyfaidx would trust an existing empty file), then
        # moved into place: an interrupted or failed build leaves no index behind.
        with tempfile.TemporaryDirectory(prefix=f".{path.name}.", dir=path.parent) as tmp:
            tmp_fai, tmp_gzi = Path(tmp) / "index.fai", Path(tmp) / "index.gzi"
            kwargs = {"gzi_indexname": str(tmp_gzi)} if bgz else {}
            pyfaidx.Faidx(str(path), indexname=str(tmp_fai), **kwargs).close()
            if bgz:
                os.replace(tmp_gzi, gzi)
            os.replace(tmp_fai, fai)
    except (pyfaidx.FastaIndexingError, pyfaidx.UnsupportedCompressionFormat, *_GZIP_ERRORS,
            ValueError, AssertionError, struct.error) as err:  # fmt: skip
        gzi.unlink(missing_ok=True)
        raise ValueError(f"{path}: truncated, corrupt or not a FASTA file ({err})") from err
    return fai


def open_genome(path: str | os.PathLike):
    """The genome as a ``pyfaidx.Fasta`` (upper-case sequences, read from disk on
    demand), indexed first when needed (:func:`index_genome`)."""
    import pyfaidx

    index_genome(path)
    try:
        return pyfaidx.Fasta(str(path), sequence_always_upper=True, rebuild=False)
    except (pyfaidx.FastaIndexingError, *_GZIP_ERRORS) as err:
        raise ValueError(f"{path}: cannot be read as a FASTA file ({err})") from err


def chrom_sizes(genome) -> dict[str, int]:
    """Length of every sequence of an open genome (:func:`open_genome`)."""
    return {name: len(record) for name, record in genome.items()}


def fetch_sequences(genome, intervals: pd.DataFrame) -> list[str]:
    """Upper-case sequence of each interval (``chrom``, ``start``, ``end``, 0-based,
    end-exclusive) of an open genome; raises ``KeyError`` naming a chromosome the genome
    lacks and ``ValueError`` for an interval past its end."""
    sizes = chrom_sizes(genome)
    out = []
    for chrom, start, end in intervals[["chrom", "start", "end"]].itertuples(index=False):
        if chrom not in sizes:
            raise KeyError(f"chromosome {chrom!r} is not in the genome {genome.filename}")
        if start < 0 or end > sizes[chrom]:
            raise ValueError(f"{chrom}:{start}-{end} runs off {chrom} ({sizes[chrom]} bp)")
        out.append(str(genome[chrom][int(start) : int(end)]))
    return out
