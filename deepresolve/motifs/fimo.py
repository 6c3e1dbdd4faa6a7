"""FIMO motif scanning (Grant et al. 2011): memelite's FIMO or the MEME suite binary.

Both backends scan the same log-odds matrix: each PWM gets MEME's default motif
pseudocount (:func:`motif_pseudocount`, 0.1 spread over a uniform background as if the
motif had 20 sites) and is scored against a uniform background, so they report the same
instances up to the p-value discretisation at the threshold (memelite bins scores at 0.1
bit, MEME scales them to integers). Both strands are scanned; a match on the minus strand
is the reverse complement of the motif, at the same forward-strand coordinates.

- ``"memelite"`` (default): memelite's numba FIMO (reports ``p < threshold``).
- ``"meme"``: MEME 5.4.1's ``fimo --text --bfile --uniform-- --motif-pseudo 0`` on the
  already pseudocounted motif (reports ``p <= threshold``), built by
  ``bash envs/build_meme.sh`` when conda's MEME is not installed.

The default threshold, p < 1e-4, is FIMO's own default; the DeepResolve paper names FIMO
but no threshold.
"""

from __future__ import annotations

import io
import os
import subprocess
import tempfile
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from deepresolve.motifs.jaspar import MotifSet, write_meme
from deepresolve.motifs.meme_binary import find_meme_program

__all__ = ["COLUMNS", "THRESHOLD", "find_fimo", "motif_pseudocount", "fimo"]

COLUMNS = ["motif", "sequence", "start", "end", "strand", "score", "pvalue"]
THRESHOLD = 1e-4  # FIMO's default p-value threshold
PSEUDOCOUNT = 0.1  # MEME's default --motif-pseudo
SITES = 20  # MEME's DEFAULT_SITE_COUNT when a motif file gives no nsites
BIN_SIZE = 0.01  # memelite's score bins (bits); its default 0.1 misses instances near the threshold
ENV_VAR = "DEEPRESOLVE_FIMO"


def find_fimo() -> str | None:
    """Path of MEME's ``fimo``: ``$DEEPRESOLVE_FIMO``, else ``fimo`` on ``PATH``, else
    ``<repo>/.tools/bin/fimo`` (built by ``bash envs/build_meme.sh``); ``None`` when there
    is none. A ``$DEEPRESOLVE_FIMO`` that is not an executable file raises ``ValueError``."""
    return find_meme_program("fimo", ENV_VAR)


def motif_pseudocount(
    pwm: np.ndarray, pseudocount: float = PSEUDOCOUNT, sites: int = SITES
) -> np.ndarray:
    """MEME's motif pseudocount on a ``(4, W)`` PWM with a uniform background:
    ``(p * sites + pseudocount / 4) / (sites + pseudocount)``."""
    if pseudocount < 0 or sites < 1:
        raise ValueError(f"need pseudocount >= 0 and sites >= 1, got {pseudocount}, {sites}")
    p = np.asarray(pwm, dtype=np.float64)
    return (p * sites + pseudocount * 0.25) / (sites + pseudocount)


def fimo(
    motifs: MotifSet,
    sequences: Mapping[str, str] | Sequence[str],
    threshold: float = THRESHOLD,
    backend: str = "memelite",
    pseudocount: float = PSEUDOCOUNT,
    bin_size: float = BIN_SIZE,
) -> pd.DataFrame:
    """Every match of every motif in every sequence with p-value below ``threshold``.

    ``sequences``: name -> DNA string (any lengths; a plain sequence of strings is named
    ``"0", "1", ...``); letters other than ACGT never match well (memelite scores them 0,
    MEME averages over the bases). Returns :data:`COLUMNS`: ``motif`` (id), ``sequence``
    (name), ``start`` (0-based) and ``end`` (exclusive) on the forward strand, ``strand``
    (``"+"``, or ``"-"`` for the motif's reverse complement), ``score`` (log2 odds) and
    ``pvalue``; sorted by sequence order, start, strand, motif. ``bin_size``: memelite's
    score bins in bits: at 0.01 it finds every instance MEME's binary finds on 136,343 real
    ChIP-seq positives and at most 0.4% more; its own default, 0.1, misses 0.7-12% of them
    (``benchmarks/fimo_backends.tsv``).
    """
    if not isinstance(motifs, MotifSet) or len(motifs) == 0:
        raise ValueError("fimo() needs a non-empty MotifSet")
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold is a p-value in (0, 1], got {threshold}")
    if pseudocount <= 0:
        raise ValueError(f"pseudocount must be > 0 (log-odds of zero entries), got {pseudocount}")
    if not isinstance(sequences, Mapping):
        sequences = {str(i): s for i, s in enumerate(sequences)}
    names = list(sequences)
    bad = [n for n in names if not n or any(c.isspace() for c in n)]
    if bad:
        raise ValueError(f"sequence names must be non-empty without whitespace: {bad[:3]}")
    scored = MotifSet(
        motifs.ids, motifs.names, [motif_pseudocount(p, pseudocount) for p in motifs.pwms]
    )
    if not names:
        return pd.DataFrame({c: [] for c in COLUMNS})
    with tempfile.TemporaryDirectory(prefix="deepresolve-fimo-") as tmp:
        fasta = os.path.join(tmp, "sequences.fa")
        with open(fasta, "w") as fh:
            for name in names:
                fh.write(f">{name}\n{sequences[name]}\n")
        if backend == "memelite":
            hits = _fimo_memelite(scored, fasta, threshold, bin_size)
        elif backend == "meme":
            hits = _fimo_meme(scored, fasta, threshold, tmp)
        else:
            raise ValueError(f"backend must be 'memelite' or 'meme', got {backend!r}")
    order = {n: k for k, n in enumerate(names)}
    hits = hits.assign(
        sequence=hits["sequence"].astype(str),
        motif=hits["motif"].astype(str),
        start=hits["start"].astype(np.int64),
        end=hits["end"].astype(np.int64),
        score=hits["score"].astype(np.float64),
        pvalue=hits["pvalue"].astype(np.float64),
    )
    hits = hits.assign(_s=hits["sequence"].map(order))
    hits = hits.sort_values(["_s", "start", "strand", "motif"], kind="stable")
    return hits[COLUMNS].reset_index(drop=True)


def _fimo_memelite(motifs: MotifSet, fasta: str, threshold: float, bin_size: float) -> pd.DataFrame:
    from memelite.fimo import fimo as _memelite_fimo

    tables = _memelite_fimo(
        {i: np.ascontiguousarray(p) for i, p in zip(motifs.ids, motifs.pwms, strict=True)},
        fasta,
        threshold=threshold,
        eps=0.0,  # the pseudocount is already in the PWM
        bin_size=bin_size,
    )
    parts = [
        pd.DataFrame(
            {
                "motif": t["motif_name"],
                "sequence": t["sequence_name"],
                "start": t["start"],
                "end": t["end"],
                "strand": t["strand"],
                "score": t["score"],
                "pvalue": t["p-value"],
            }
        )
        for t in tables
    ]
    return pd.concat(parts, ignore_index=True)


def _fimo_meme(motifs: MotifSet, fasta: str, threshold: float, tmp: str) -> pd.DataFrame:
    binary = find_fimo()
    if binary is None:
        raise ValueError(
            "backend='meme' but no fimo binary: set $DEEPRESOLVE_FIMO, put fimo on PATH or "
            "run `bash envs/build_meme.sh`"
        )
    meme = os.path.join(tmp, "motifs.meme")
    write_meme(meme, motifs)
    cmd = [
        binary, "--text", "--skip-matched-sequence", "--verbosity", "1",
        "--bfile", "--uniform--", "--motif-pseudo", "0", "--thresh", repr(float(threshold)),
        meme, fasta,
    ]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(
            f"fimo failed (exit {proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-2000:]}"
        )
    table = pd.read_csv(
        io.StringIO(proc.stdout),
        sep="\t",
        dtype={"motif_id": str, "sequence_name": str, "strand": str},
        keep_default_na=False,
    )
    needed = ["motif_id", "sequence_name", "start", "stop", "strand", "score", "p-value"]
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise RuntimeError(f"unexpected fimo output, missing columns {missing}")
    return pd.DataFrame(
        {
            "motif": table["motif_id"],
            "sequence": table["sequence_name"],
            "start": table["start"].astype(np.int64) - 1,  # 1-based inclusive -> 0-based
            "end": table["stop"].astype(np.int64),
            "strand": table["strand"],
            "score": table["score"],
            "pvalue": table["p-value"],
        }
    )
