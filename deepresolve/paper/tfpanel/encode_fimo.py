"""The paper's TF-panel data (source ``encode_fimo``): ENCODE ChIP-seq peaks -> FIMO
instances of the TF's JASPAR motif -> 101-bp windows centred on them -> one dinucleotide
shuffle each -> a train/test split that no window crosses.

The paper (Methods, TF binding panel): "The positive set contains 101-bp sequences
centered at motif instances that overlap with the ChIP-seq peaks. For each TF, the
JASPAR motif for the corresponding factor is used to identify motif instances using
FIMO. The negative set are shuffled positive sequences with matching dinucleotide
composition." What it leaves open is decided here:

- **Peaks**: the ENCODE uniform TFBS narrowPeak file the experiment is named after (hg19),
  every peak, its ``start``-``end`` interval.
- **Instances**: :func:`deepresolve.motifs.fimo.fimo` (memelite by default, MEME's binary
  selectable) at FIMO's default p < 1e-4 (the paper gives no threshold), both strands,
  over each peak and the motif width - 1 bases beyond either end, so that every instance
  *overlapping* a peak (at least one base in common) is found. The same position found
  on both strands (palindromes) or from two neighbouring peaks is one instance (the
  lower p-value's strand is kept).
- **Windows**: ``length`` bp centred on the instance (centre base ``start + width // 2``),
  in the genome's forward orientation whatever the instance's strand: the authors' own
  models score positives whose instance lies on the minus strand as well as those on the
  plus strand (``authors_real_auc`` and the real-sequence findings), as models trained on
  both orientations do. Windows running off a chromosome end and windows with any base
  other than A, C, G, T (hg19's N gaps) are dropped and counted, not shifted or padded.
- **Negatives**: one uniform dinucleotide shuffle of each window
  (:func:`deepresolve.sequences.dinucleotide_shuffle`, Altschul-Erickson via dinuc_shuf).
- **Split** (the paper gives none): windows that share any base form one group, and whole
  groups go to the test set at random until it holds ``test_fraction`` of the windows, so
  no test window overlaps a training window; each shuffle goes with its window.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from deepresolve.genome import chrom_sizes, fetch_sequences
from deepresolve.motifs.fimo import THRESHOLD, fimo
from deepresolve.motifs.jaspar import MotifSet
from deepresolve.paper.tfpanel.data import shuffled_pairs
from deepresolve.sequences import one_hot

__all__ = [
    "experiment_rng",
    "scan_regions",
    "peak_instances",
    "centred_windows",
    "overlap_groups",
    "split_groups",
    "EncodeFimoSet",
    "encode_fimo_experiment",
]

# Seed offset of the window/shuffle/split step (seed = config seed + this, per experiment).
INSTANCE_COLUMNS = ["chrom", "start", "end", "strand", "score", "pvalue"]


def experiment_rng(seed: int, experiment: str) -> np.random.Generator:
    """The generator of one experiment's shuffles and split: from ``seed`` and the
    experiment's name (CRC32), so it does not depend on which experiments run, or when."""
    return np.random.default_rng([int(seed), zlib.crc32(experiment.encode())])


def scan_regions(peaks: pd.DataFrame, sizes: dict[str, int], width: int) -> pd.DataFrame:
    """The stretches of genome to scan for instances overlapping ``peaks`` (columns
    ``chrom, start, end``): overlapping or touching peaks merged into a ``core``
    (``core_start``, ``core_end``), extended by ``width - 1`` bases on either side within
    the chromosome (``start``, ``end``). A peak ending past its chromosome's end is clipped
    to it. Raises ``KeyError`` naming a peak chromosome the genome lacks and ``ValueError``
    for a peak starting past a chromosome's end (peaks of another assembly)."""
    if width < 1:
        raise ValueError(f"motif width must be >= 1, got {width}")
    rows = []
    for chrom, group in peaks.groupby("chrom", sort=True):
        if chrom not in sizes:
            raise KeyError(f"peaks on {chrom!r}, which the genome does not have")
        group = group.sort_values(["start", "end"])
        if (group["start"] >= sizes[chrom]).any():
            raise ValueError(
                f"a peak starts past the end of {chrom} ({sizes[chrom]} bp): another assembly?"
            )
        starts = group["start"].to_numpy()
        ends = np.minimum(group["end"].to_numpy(), sizes[chrom])  # a peak end past it: clipped
        reach = np.maximum.accumulate(ends)
        new = np.r_[True, starts[1:] > reach[:-1]]  # touching peaks (start == end) merge
        core_start = starts[new]
        core_end = np.maximum.reduceat(ends, np.flatnonzero(new))
        rows.append(
            pd.DataFrame(
                {
                    "chrom": chrom,
                    "start": np.maximum(core_start - (width - 1), 0),
                    "end": np.minimum(core_end + (width - 1), sizes[chrom]),
                    "core_start": core_start,
                    "core_end": core_end,
                }
            )
        )
    if not rows:
        raise ValueError("no peaks to scan")
    return pd.concat(rows, ignore_index=True)


def peak_instances(
    genome,
    peaks: pd.DataFrame,
    motif_id: str,
    pwm: np.ndarray,
    threshold: float = THRESHOLD,
    backend: str = "memelite",
) -> pd.DataFrame:
    """FIMO instances (p < ``threshold``, either strand) of one ``(4, W)`` motif that
    overlap at least one of ``peaks`` by one base or more, in an open genome
    (:func:`deepresolve.genome.open_genome`): columns ``chrom, start, end`` (0-based,
    end-exclusive), ``strand``, ``score``, ``pvalue``; one row per position (the better
    strand of a palindrome), sorted by chromosome and start."""
    regions = scan_regions(peaks, chrom_sizes(genome), np.shape(pwm)[1])
    seqs = fetch_sequences(genome, regions)
    hits = fimo(
        MotifSet([motif_id], [motif_id], [pwm]),
        {str(i): s for i, s in enumerate(seqs)},
        threshold=threshold,
        backend=backend,
    )
    region = regions.iloc[hits["sequence"].astype(int).to_numpy()].reset_index(drop=True)
    inst = pd.DataFrame(
        {
            "chrom": region["chrom"].to_numpy(),
            "start": region["start"].to_numpy() + hits["start"].to_numpy(),
            "end": region["start"].to_numpy() + hits["end"].to_numpy(),
            "strand": hits["strand"].to_numpy(),
            "score": hits["score"].to_numpy(),
            "pvalue": hits["pvalue"].to_numpy(),
        }
    )
    overlaps = (inst["end"] > region["core_start"]) & (inst["start"] < region["core_end"])
    inst = inst[overlaps.to_numpy()]
    inst = inst.sort_values(["pvalue", "strand"], kind="stable")
    inst = inst.drop_duplicates(["chrom", "start", "end"])
    return inst.sort_values(["chrom", "start"], kind="stable")[INSTANCE_COLUMNS].reset_index(
        drop=True
    )


def centred_windows(
    instances: pd.DataFrame, sizes: dict[str, int], length: int = 101
) -> tuple[pd.DataFrame, int]:
    """``length``-bp windows centred on each instance (centre base ``start + width // 2``;
    ``length // 2`` bases before it): columns ``chrom, start, end``, ``instance`` (row of
    ``instances``) and the instance's ``instance_start``, ``instance_end``, ``strand`` and
    ``pvalue``. Returns the windows inside their chromosome and the number that run off a
    chromosome end (dropped)."""
    if length < 1:
        raise ValueError(f"window length must be >= 1, got {length}")
    centre = instances["start"] + (instances["end"] - instances["start"]) // 2
    start = centre - length // 2
    size = instances["chrom"].map(sizes)
    if size.isna().any():
        raise KeyError(
            f"instances on {instances['chrom'][size.isna()].iloc[0]!r}, not in the genome"
        )
    inside = (start >= 0) & (start + length <= size)
    windows = pd.DataFrame(
        {
            "chrom": instances["chrom"],
            "start": start.astype(np.int64),
            "end": (start + length).astype(np.int64),
            "instance": np.arange(len(instances)),
            "instance_start": instances["start"],
            "instance_end": instances["end"],
            "strand": instances["strand"],
            "pvalue": instances["pvalue"],
        }
    )[inside.to_numpy()]
    return windows.reset_index(drop=True), int((~inside).sum())


def overlap_groups(windows: pd.DataFrame) -> np.ndarray:
    """Group id ``(N,)`` of each window (``chrom, start, end``): windows sharing at least
    one base, directly or through a chain of overlapping windows, get the same id."""
    order = np.lexsort((windows["start"].to_numpy(), windows["chrom"].to_numpy()))
    chrom = windows["chrom"].to_numpy()[order]
    start, end = windows["start"].to_numpy()[order], windows["end"].to_numpy()[order]
    groups = np.empty(len(windows), dtype=np.int64)
    current, reach, prev = -1, -1, None
    for i, (c, s, e) in enumerate(zip(chrom, start, end, strict=True)):
        if c != prev or s >= reach:
            current, reach, prev = current + 1, e, c
        reach = max(reach, e)
        groups[order[i]] = current
    return groups


def split_groups(groups: np.ndarray, test_fraction: float, rng: np.random.Generator) -> np.ndarray:
    """``(N,)`` True for the test set: whole groups in random order until the test set
    holds at least ``round(test_fraction * N)`` members (at least one group, and never
    all of them when there are two or more)."""
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction}")
    groups = np.asarray(groups)
    ids, counts = np.unique(groups, return_counts=True)
    if len(ids) == 0:
        return np.zeros(0, dtype=bool)
    order = rng.permutation(len(ids))
    want = max(1, int(round(test_fraction * len(groups))))
    taken = np.cumsum(counts[order])
    n_test = int(np.searchsorted(taken, want) + 1)
    n_test = min(n_test, len(ids) - 1) if len(ids) > 1 else 1
    return np.isin(groups, ids[order[:n_test]])


@dataclass
class EncodeFimoSet:
    """One experiment's data: ``train`` and ``test`` in the Zeng et al. columns (window,
    then its shuffle), every ``instances`` row with its fate (column ``window``: ``train``,
    ``test``, ``off_chromosome``, ``non_acgt``) and the ``counts`` of each step."""

    train: pd.DataFrame
    test: pd.DataFrame
    instances: pd.DataFrame
    counts: dict = field(default_factory=dict)


def encode_fimo_experiment(
    genome,
    peaks: pd.DataFrame,
    motif_id: str,
    pwm: np.ndarray,
    rng: np.random.Generator,
    length: int = 101,
    test_fraction: float = 0.2,
    threshold: float = THRESHOLD,
    backend: str = "memelite",
) -> EncodeFimoSet:
    """The paper's construction for one experiment (see the module docstring): ``peaks``
    (:func:`deepresolve.genome.read_narrowpeak`) in an open ``genome``, the TF's motif
    ``pwm`` ``(4, W)``. Raises ``ValueError`` when no window is left."""
    instances = peak_instances(genome, peaks, motif_id, pwm, threshold, backend)
    windows, off = centred_windows(instances, chrom_sizes(genome), length)
    seqs = np.array(fetch_sequences(genome, windows), dtype=object)
    acgt = np.array([set(s) <= set("ACGT") for s in seqs], dtype=bool)
    window = np.full(len(instances), "off_chromosome", dtype=object)
    window[windows["instance"].to_numpy()[~acgt]] = "non_acgt"
    windows, seqs = windows[acgt].reset_index(drop=True), seqs[acgt]
    if len(windows) == 0:
        raise ValueError(
            f"{motif_id}: no {length}-bp window left of {len(instances)} instances in "
            f"{len(peaks)} peaks"
        )
    groups = overlap_groups(windows)
    if len(np.unique(groups)) < 2:
        raise ValueError(f"{motif_id}: all {len(windows)} windows overlap; no train/test split")
    is_test = split_groups(groups, test_fraction, rng)
    regions = [
        f"{c}:{s + 1}-{e}" for c, s, e in windows[["chrom", "start", "end"]].itertuples(index=False)
    ]
    x = one_hot(list(seqs))
    parts = {}
    for name, sel in (("train", ~is_test), ("test", is_test)):
        idx = np.flatnonzero(sel)
        parts[name] = shuffled_pairs(x[idx], rng, [regions[i] for i in idx])
    window[windows["instance"].to_numpy()] = np.where(is_test, "test", "train")
    counts = {
        "peaks": len(peaks),
        "instances": len(instances),
        "off_chromosome": off,
        "non_acgt": int((~acgt).sum()),
        "windows": len(windows),
        "overlap_groups": int(len(np.unique(groups))),
        "train_positives": int((~is_test).sum()),
        "test_positives": int(is_test.sum()),
    }
    return EncodeFimoSet(parts["train"], parts["test"], instances.assign(window=window), counts)
