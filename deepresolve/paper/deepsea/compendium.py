"""A simulated DeepSEA-like compendium: multi-task labels (DNase, TF ChIP-seq, histone
marks across cell types, named ``cell|factor|treatment`` like DeepSEA's outputs) driven by
known JASPAR motifs, so the similarity of the classes' decision functions is known.

Generative model (in the spirit of the paper's synthetic dataset II, where classes share
half their motifs but their labels are mutually exclusive). Each sequence (uniform random
bases, ``length`` bp) comes from at most one cell type: it carries at most one cell-context
motif (:data:`CELL_CONTEXT`), with probability ``min(1, K p_motif)`` one of the ``K``
context motifs chosen uniformly (each then has frequency ``p_motif`` when
``K p_motif <= 1``), else none. Every other motif ``m`` is present independently with
probability ``p_motif``. Present motifs are sampled from their PWMs on a random strand at
random non-overlapping positions; ``z_m`` is 1 when present. Class ``c`` has positive or
negative motif weights ``w_cm`` and a threshold ``t_c`` and is positive with probability
``sigmoid(gain * (sum_m w_cm z_m - t_c))``.

A TF class of factor ``f`` in cell type ``k`` is a real AND of the factor's motif and the
cell's context motif (weights 1 and 1, threshold 1.5: either alone gives p = 0.08 at
gain 5, both 0.92). Classes of a Figure 9 group sit in different cell types, so they share
the factor's motif in their decision functions while their labels are nearly mutually
exclusive: ``K562|c-Fos`` (AP-1 and GATA1) and ``HepG2|JunD`` (AP-1 and HNF4A) are never
positive together beyond the label noise. This is the situation in which the paper says
DeepResolve's class similarity recovers related classes that label correlation misses.
DNase classes are ORs of many motifs (the cell's context motif, CTCF, SP1); H3K27ac
follows the context and AP-1; the repressor-like H3K27me3 is an AND of YY1 and REST that
the cell's own context motif suppresses (negative weight), so it shares YY1 with EZH2 and
SUZ12 (YY1 and their cells' contexts) without sharing their labels. CTCF, NRSF, H3K4me3
and the context TFs are the same in every cell type (cell-invariant binding), so those
classes do have correlated labels across cell types. The truth is ``truth_similarity``:
Pearson correlation between classes of ``max(w, 0)`` (DeepResolve's class similarity
applied to the true weights).

The class table (:data:`CELL_CONTEXT`, :func:`class_specs`) names the paper's Figure 9
groups: c-Fos/JunD (AP-1), SMC3/Rad21 (CTCF), KAP1/ZNF263 (ZNF263), ELK1/GABP (ETS),
EZH2/SUZ12/H3K27me3 (YY1), the Pol III machinery RPC155/BRF1/BDP1/TFIIIC-110 (ZNF143),
each member in a different cell type from the group's other factors (BDP1 and TFIIIC-110
are placed in GM12878 and HepG2 for that, although DeepSEA has them in HeLa-S3 and K562).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from deepresolve.motifs.jaspar import MotifSet, load_jaspar
from deepresolve.similarity import class_similarity

#: Motifs of the compendium: short name -> JASPAR2014 CORE vertebrates id.
MOTIFS: dict[str, str] = {
    "CTCF": "MA0139.1", "AP1": "MA0491.1", "GATA1": "MA0035.3", "HNF4A": "MA0114.2",
    "SPI1": "MA0080.3", "CEBPB": "MA0466.1", "OCT4SOX2": "MA0142.1", "ETS": "MA0062.2",
    "ZNF263": "MA0528.1", "REST": "MA0138.2", "NFYA": "MA0060.2", "MAFK": "MA0496.1",
    "YY1": "MA0095.2", "SP1": "MA0079.3", "ZNF143": "MA0088.1", "USF1": "MA0093.2",
}  # fmt: skip
#: Cell types with TF/histone data and the context (accessibility) motif of each.
CELL_CONTEXT: dict[str, str] = {
    "K562": "GATA1", "HepG2": "HNF4A", "GM12878": "SPI1", "HeLa-S3": "CEBPB",
    "H1-hESC": "OCT4SOX2",
}  # fmt: skip
#: Further cell types with DNase only, and their context motifs.
DNASE_ONLY: dict[str, dict[str, float]] = {
    "HUVEC": {"ETS": 1.0, "AP1": 0.8}, "NHEK": {"AP1": 1.0, "CEBPB": 0.6},
    "IMR-90": {"AP1": 0.8, "CEBPB": 0.8},
}  # fmt: skip
#: The paper's Figure 9 groups: factor names (as in DeepSEA's class names) per group.
PAPER_GROUPS: dict[str, list[str]] = {
    "c-Fos/JunD": ["c-Fos", "JunD"],
    "SMC3/Rad21": ["SMC3", "Rad21"],
    "KAP1/ZNF263": ["KAP1", "ZNF263"],
    "ELK1/GABP": ["ELK1", "GABP"],
    "EZH2/SUZ12/H3K27me3": ["EZH2", "SUZ12", "H3K27me3"],
    "Pol III": ["RPC155", "BRF1", "BRF2", "BDP1", "TFIIIC-110"],
}


#: Weight of the cell type's context motif in a TF class; the factor's own motif has 1 and
#: the threshold is 0.75 of their sum (1.5), so the class needs both (AND).
CONTEXT_WEIGHT = 1.0


@dataclass
class ClassSpec:
    """One simulated experiment: DeepSEA-style name, motif weights and threshold."""

    name: str
    weights: dict[str, float]
    threshold: float


def class_specs() -> list[ClassSpec]:
    """The compendium's classes: DNase of 8 cell types, then TF ChIP-seq, then histone marks.

    Default threshold: 0.75 of the summed positive weights, so a class with two equal
    motifs needs both (AND) and a class with one motif needs it.
    """
    specs: list[tuple[str, dict[str, float], float | None]] = []
    for cell, ctx in CELL_CONTEXT.items():
        specs.append((f"{cell}|DNase|None", {ctx: 1.0, "CTCF": 0.6, "SP1": 0.6}, 0.8))
    for cell, ctx in DNASE_ONLY.items():
        specs.append((f"{cell}|DNase|None", {**ctx, "CTCF": 0.6, "SP1": 0.6}, 0.8))
    ctx_tf = {"K562": "GATA-1", "HepG2": "HNF4A", "GM12878": "PU.1", "HeLa-S3": "CEBPB",
              "H1-hESC": "POU5F1"}  # fmt: skip
    for cell, ctx in CELL_CONTEXT.items():
        specs.append((f"{cell}|CTCF|None", {"CTCF": 2.0}, None))
        specs.append((f"{cell}|{ctx_tf[cell]}|None", {ctx: 2.0}, None))

    def gated(cell: str, factor: str, motif: str) -> None:
        weights = {motif: 1.0, CELL_CONTEXT[cell]: CONTEXT_WEIGHT}
        specs.append((f"{cell}|{factor}|None", weights, None))

    for cell, factor, motif in [
        ("K562", "c-Fos", "AP1"), ("HepG2", "JunD", "AP1"), ("H1-hESC", "JunD", "AP1"),
        ("GM12878", "SMC3", "CTCF"), ("K562", "Rad21", "CTCF"), ("HepG2", "Rad21", "CTCF"),
        ("HepG2", "KAP1", "ZNF263"), ("K562", "ZNF263", "ZNF263"),
        ("GM12878", "ELK1", "ETS"), ("HepG2", "GABP", "ETS"), ("K562", "GABP", "ETS"),
        ("K562", "EZH2", "YY1"), ("H1-hESC", "SUZ12", "YY1"),
        ("K562", "RPC155", "ZNF143"), ("HeLa-S3", "BRF1", "ZNF143"),
        ("GM12878", "BDP1", "ZNF143"), ("HepG2", "TFIIIC-110", "ZNF143"),
        ("K562", "MafK", "MAFK"), ("HepG2", "MafK", "MAFK"),
        ("K562", "USF-1", "USF1"), ("H1-hESC", "USF-1", "USF1"),
    ]:  # fmt: skip
        gated(cell, factor, motif)
    for cell in ("K562", "HepG2", "H1-hESC"):
        specs.append((f"{cell}|NRSF|None", {"REST": 2.0}, None))
    specs.append(("GM12878|YY1|None", {"YY1": 2.0}, None))
    specs.append(("K562|Znf143|None", {"ZNF143": 2.0}, None))
    for cell, ctx in CELL_CONTEXT.items():
        specs.append((f"{cell}|H3K4me3|None", {"NFYA": 1.0, "SP1": 1.0, "ZNF143": 0.5}, 1.0))
        specs.append((f"{cell}|H3K27ac|None", {ctx: 1.2, "AP1": 0.6, "SP1": 0.4}, 1.0))
        # Repressor-like: YY1 AND REST (an AND like the TFs'), suppressed by the cell's context.
        specs.append((f"{cell}|H3K27me3|None", {"YY1": 1.0, "REST": 1.0, ctx: -1.0}, None))
    out = []
    for name, weights, threshold in specs:
        if threshold is None:
            threshold = 0.75 * sum(w for w in weights.values() if w > 0)
        out.append(ClassSpec(name, weights, float(threshold)))
    return out


def weight_matrix(specs: Sequence[ClassSpec], motif_names: Sequence[str]) -> np.ndarray:
    """True motif weights ``(C, M)`` of ``specs`` over ``motif_names``."""
    index = {m: i for i, m in enumerate(motif_names)}
    w = np.zeros((len(specs), len(motif_names)))
    for c, spec in enumerate(specs):
        for motif, value in spec.weights.items():
            if motif not in index:
                raise KeyError(f"class {spec.name}: unknown motif {motif!r}")
            w[c, index[motif]] = value
    return w


@dataclass
class Compendium:
    """Simulated data: one-hot ``x (N, 4, L)`` uint8, labels ``y (N, C)`` uint8, motif
    presence ``z (N, M)`` bool, and the truth: ``weights (C, M)``, ``thresholds (C,)``."""

    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    class_names: list[str]
    motif_names: list[str]
    motif_ids: list[str]
    weights: np.ndarray
    thresholds: np.ndarray

    def truth_similarity(self) -> np.ndarray:
        """Pearson correlation of ``max(weights, 0)`` between classes ``(C, C)``."""
        return class_similarity(self.weights)


def simulate(
    n: int,
    length: int = 300,
    p_motif: float = 0.2,
    gain: float = 5.0,
    sharpness: float = 3.0,
    seed: int = 0,
    motifs: MotifSet | None = None,
) -> Compendium:
    """Simulate ``n`` sequences of ``length`` bp and their labels for :func:`class_specs`.

    ``motifs``: the PWMs to plant (default: :data:`MOTIFS` from JASPAR2014 via pyjaspar,
    offline). ``p_motif``: frequency of each motif; a sequence carries at most one of the
    cell-context motifs. ``gain`` sets how deterministic labels are (5: an AND class of two
    unit weights, threshold 1.5, is positive with probability 0.08 with one of its motifs).
    Instances are drawn from the PWMs raised to the power ``sharpness`` (column-normalised):
    JASPAR's low-information columns would otherwise make planted sites hard to tell from the
    chance matches in random sequence (1 = sample the PWM itself).
    """
    if n < 1 or length < 1:
        raise ValueError(f"need n >= 1 and length >= 1, got n={n}, length={length}")
    if not 0 <= p_motif <= 1:
        raise ValueError(f"p_motif must be in [0, 1], got {p_motif}")
    if gain <= 0 or sharpness <= 0:
        raise ValueError(f"gain and sharpness must be > 0, got {gain}, {sharpness}")
    motif_names = list(MOTIFS)
    if motifs is None:
        motifs = load_jaspar().subset(MOTIFS.values())
    if len(motifs) != len(motif_names):
        raise ValueError(f"need {len(motif_names)} motifs ({motif_names}), got {len(motifs)}")
    total = sum(p.shape[1] for p in motifs.pwms)
    if total > length:
        raise ValueError(
            f"length={length} bp cannot hold all {len(motifs)} motifs ({total} bp) side by side"
        )
    sampled = [p**sharpness / (p**sharpness).sum(axis=0) for p in motifs.pwms]
    rng = np.random.default_rng(seed)
    seq = rng.integers(0, 4, size=(n, length), dtype=np.int8)
    z = rng.random((n, len(motif_names))) < p_motif
    # At most one cell type per sequence: one context motif, chosen uniformly, or none.
    contexts = np.array([motif_names.index(m) for m in dict.fromkeys(CELL_CONTEXT.values())])
    z[:, contexts] = False
    carries = np.flatnonzero(rng.random(n) < min(1.0, len(contexts) * p_motif))
    z[carries, contexts[rng.integers(0, len(contexts), size=len(carries))]] = True
    for i in range(n):
        present = np.flatnonzero(z[i])
        if len(present):
            _plant(seq[i], [sampled[m] for m in rng.permutation(present)], rng)
    x = np.zeros((n, 4, length), dtype=np.uint8)
    np.put_along_axis(x, seq[:, None, :].astype(np.int64), 1, axis=1)
    specs = class_specs()
    weights = weight_matrix(specs, motif_names)
    thresholds = np.array([s.threshold for s in specs])
    logits = gain * (z.astype(np.float64) @ weights.T - thresholds)
    y = (rng.random(logits.shape) < 1 / (1 + np.exp(-logits))).astype(np.uint8)
    return Compendium(
        x=x, y=y, z=z, class_names=[s.name for s in specs], motif_names=motif_names,
        motif_ids=list(motifs.ids), weights=weights, thresholds=thresholds,
    )  # fmt: skip


def _plant(seq: np.ndarray, pwms: list[np.ndarray], rng: np.random.Generator) -> None:
    """Write one sample of each PWM into ``seq`` (in place) at random non-overlapping
    positions, each on a random strand: the free bases are split at random into gaps."""
    widths = [p.shape[1] for p in pwms]
    free = len(seq) - sum(widths)
    # Random composition of the free bases into len(pwms) + 1 gaps.
    cuts = np.sort(rng.integers(0, free + 1, size=len(pwms)))
    gaps = np.diff(np.concatenate([[0], cuts]))
    pos = 0
    for pwm, width, gap in zip(pwms, widths, gaps, strict=True):
        pos += int(gap)
        probs = pwm if rng.random() < 0.5 else pwm[::-1, ::-1]  # ACGT: reverse complement
        cum = np.cumsum(probs, axis=0)
        bases = (rng.random(width)[None, :] > cum).sum(axis=0)
        seq[pos : pos + width] = np.minimum(bases, 3)
        pos += width


def class_kind(name: str) -> str:
    """``"DNase"``, ``"Histone"`` or ``"TF"`` for a DeepSEA class name ``cell|assay|treatment``."""
    assay = factor_of(name)
    if assay == "DNase":
        return "DNase"
    if assay[:2] in ("H2", "H3", "H4"):
        return "Histone"
    return "TF"


def factor_of(name: str) -> str:
    """The assay/factor field of ``cell|factor|treatment`` (the whole name if it has no ``|``)."""
    parts = name.split("|")
    return parts[1] if len(parts) > 1 else name
