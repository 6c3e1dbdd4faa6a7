"""A simulated DeepSEA-like compendium: multi-task labels (DNase, TF ChIP-seq, histone
marks across cell types, named ``cell|factor|treatment`` like DeepSEA's outputs) driven by
known JASPAR motifs, so which classes share which sequence features is known.

Generative model (in the spirit of the paper's synthetic dataset II, where classes share
half their motifs but their labels are mutually exclusive). Each sequence (uniform random
bases, ``length`` bp) comes from at most one cell type: with probability ``p_context`` it
carries one of the ``K`` cell-context motifs (:data:`CELL_CONTEXT`), chosen uniformly (each
then has frequency ``p_context / K``), else none. ``p_context < 1`` matters: when every
sequence carries a context, one context is the absence of the others, the model can detect
it without any channel responding to its motif, and the presence indicators of the contexts
sum to 1, so a regression on them cannot tell their effects from the intercept. Every other
motif ``m`` is present independently with probability ``p_motif``. Present motifs are
sampled from their PWMs on a random strand at random non-overlapping positions; ``z_m`` is
1 when present. Class ``c`` has motif weights ``w_cm`` and a threshold ``t_c`` and is
positive with probability ``sigmoid(gain * (sum_m w_cm z_m - t_c))``. All weights are 0, 1
or -1 and every threshold sits half a unit from the nearest attainable sum, so at the
default ``gain`` (15) the logic is strict: a rule that is met gives p = 0.9994, one that is
missed by one motif p = 0.0006 (:func:`class_specs`).

Each class's weights are split into the **factor** part (the motifs of the assayed factor
or mark, the same in every cell type) and the **context** part (its cell type's context
motif). A TF class of factor ``f`` in cell ``k`` is a strict AND of the factor's motif and
the cell's context motif: ``K562|c-Fos`` (AP-1 and RUNX) and ``HepG2|JunD`` (AP-1 and
HNF4A) share the factor's motif but, since a sequence comes from one cell, their labels
are mutually exclusive, and one motif alone gives essentially no positives, so the labels
carry no trace of the shared factor. This is the situation in which the paper says
DeepResolve's class similarity recovers related classes that label correlation misses.
DNase classes are ORs of the cell's context motif, CTCF and SP1; H3K4me3 is an OR of
promoter motifs (NFY, SP1, ZNF143, ETS, USF1), H3K27ac the context OR an enhancer or
accessibility motif (AP-1, MAFK, SP1: shared with DNase, as in the paper's Figure 8); the
repressor-like H3K27me3 is YY1 AND REST AND NOT the cell's context
(a negative context weight), so it shares YY1 with EZH2 and SUZ12 without sharing their
labels, and H3K9me3 is ZNF263 AND NOT the context. CTCF, NRSF, H3K4me3, the context TFs
and one TF per gated factor motif (:data:`UNGATED`: c-Jun for
AP-1, ELF1 for ETS, ...) are the same in every cell type (cell-invariant binding, no
context part), so those classes do have correlated labels across cell types. Every factor
motif thus also acts alone in several classes: the scaled-down model did not learn a motif
used only in ANDs with a context (AP-1, ETS, MAFK, USF1 and ZNF263 stayed at a coefficient
of about 0 from epoch 6 to 15), nor one with a single cell-invariant class besides (AP-1,
ETS, MAFK, USF1, still at 0 after 12 epochs).

The truth (:class:`Compendium`): ``factor_similarity`` is DeepResolve's class similarity
(Pearson correlation of positive parts) of the factor weights: the feature sharing the
paper's Figure 9 claim is about (``K562|c-Fos`` and ``HepG2|JunD``: 1). ``same_cell``
says which pairs share a cell type, reported separately; ``decision_similarity`` is the
same correlation on the full weights (factor and context), which a method reading the
model can at best recover: there a TF class is as similar to another class of its cell as
to its group partner in another cell.

The class table (:data:`CELL_CONTEXT`, :func:`class_specs`) names the paper's Figure 9
groups: c-Fos/JunD (AP1), SMC3/Rad21 (CTCF), KAP1/ZNF263 (ZNF263), ELK1/GABP (ETS),
EZH2/SUZ12/H3K27me3 (YY1), the Pol III machinery RPC155/BRF1/BDP1/TFIIIC-110 (ZNF143),
each member in a different cell type from the group's other factors (BDP1 and TFIIIC-110
are placed in GM12878 and HepG2 for that, although DeepSEA has them in HeLa-S3 and K562).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from deepresolve.motifs.jaspar import MotifSet, load_jaspar
from deepresolve.similarity import class_similarity

#: Motifs of the compendium: short name -> JASPAR2014 CORE vertebrates id.
MOTIFS: dict[str, str] = {
    "CTCF": "MA0139.1", "AP1": "MA0491.1", "RUNX": "MA0511.1", "HNF4A": "MA0114.2",
    "SPI1": "MA0080.3", "SRF": "MA0083.2", "OCT4SOX2": "MA0142.1", "ETS": "MA0062.2",
    "ZNF263": "MA0528.1", "REST": "MA0138.2", "NFYA": "MA0060.2", "MAFK": "MA0496.1",
    "YY1": "MA0095.2", "SP1": "MA0079.3", "ZNF143": "MA0088.1", "USF1": "MA0093.2",
}  # fmt: skip
#: Cell types and the context (accessibility) motif of each. The scaled-down model never
#: learnt the GATA motifs first chosen for K562 (GATA1 MA0035.3, then TAL1::GATA1
#: MA0140.2) nor CEBPB (MA0466.1) for HeLa-S3: no channel responded to them after 12
#: epochs, while all five contexts used here (15-18 bp, 22-26 bits) were learnt.
CELL_CONTEXT: dict[str, str] = {
    "K562": "RUNX", "HepG2": "HNF4A", "GM12878": "SPI1", "HeLa-S3": "SRF",
    "H1-hESC": "OCT4SOX2",
}  # fmt: skip
#: The TF whose own motif is each cell's context motif (DeepSEA's class names).
CONTEXT_TF: dict[str, str] = {
    "K562": "RUNX1", "HepG2": "HNF4A", "GM12878": "PU.1", "HeLa-S3": "SRF",
    "H1-hESC": "POU5F1",
}  # fmt: skip
#: Context-gated TF classes: (cell, factor as in DeepSEA's class names, factor motif).
GATED: list[tuple[str, str, str]] = [
    ("K562", "c-Fos", "AP1"), ("HepG2", "JunD", "AP1"), ("H1-hESC", "JunD", "AP1"),
    ("GM12878", "SMC3", "CTCF"), ("K562", "Rad21", "CTCF"), ("HepG2", "Rad21", "CTCF"),
    ("HepG2", "KAP1", "ZNF263"), ("K562", "ZNF263", "ZNF263"),
    ("GM12878", "ELK1", "ETS"), ("HepG2", "GABP", "ETS"), ("K562", "GABP", "ETS"),
    ("K562", "EZH2", "YY1"), ("H1-hESC", "SUZ12", "YY1"),
    ("K562", "RPC155", "ZNF143"), ("HeLa-S3", "BRF1", "ZNF143"),
    ("GM12878", "BDP1", "ZNF143"), ("HepG2", "TFIIIC-110", "ZNF143"),
    ("K562", "MafK", "MAFK"), ("HepG2", "MafK", "MAFK"),
    ("K562", "USF-1", "USF1"), ("H1-hESC", "USF-1", "USF1"),
]  # fmt: skip
#: Cell-invariant TF classes of a single gated factor motif (not in the Figure 9 groups):
#: every factor motif also acts alone somewhere. A motif used only in ANDs with a context
#: was not learnt in 15 epochs (AP-1, ETS, MAFK, USF1, ZNF263 of the first design).
UNGATED: dict[str, str] = {
    "GM12878|YY1|None": "YY1", "K562|Znf143|None": "ZNF143", "HeLa-S3|c-Jun|None": "AP1",
    "K562|ELF1|None": "ETS", "HeLa-S3|MafF|None": "MAFK", "HepG2|USF-2|None": "USF1",
}  # fmt: skip
#: Motifs whose presence marks a promoter (H3K4me3) or an active enhancer (H3K27ac, with
#: the cell's context motif) in every cell type.
PROMOTER = ("NFYA", "SP1", "ZNF143", "ETS", "USF1")
ENHANCER = ("AP1", "MAFK", "SP1")
#: The paper's Figure 9 groups: factor names (as in DeepSEA's class names) per group.
PAPER_GROUPS: dict[str, list[str]] = {
    "c-Fos/JunD": ["c-Fos", "JunD"],
    "SMC3/Rad21": ["SMC3", "Rad21"],
    "KAP1/ZNF263": ["KAP1", "ZNF263"],
    "ELK1/GABP": ["ELK1", "GABP"],
    "EZH2/SUZ12/H3K27me3": ["EZH2", "SUZ12", "H3K27me3"],
    "Pol III": ["RPC155", "BRF1", "BRF2", "BDP1", "TFIIIC-110"],
}


@dataclass
class ClassSpec:
    """One simulated experiment: DeepSEA-style name ``cell|factor|None``, the motif weights
    of its factor (the same in every cell type) and of its cell's context, and the
    threshold on their sum."""

    name: str
    factor: dict[str, float]
    threshold: float
    context: dict[str, float] = field(default_factory=dict)

    @property
    def weights(self) -> dict[str, float]:
        """All motif weights (factor and context parts summed)."""
        out = dict(self.factor)
        for motif, w in self.context.items():
            out[motif] = out.get(motif, 0.0) + w
        return out

    @property
    def cell(self) -> str:
        return self.name.split("|")[0]


def class_specs() -> list[ClassSpec]:
    """The compendium's 65 classes: DNase of the 5 cell types, TF ChIP-seq, histone marks.

    Logic (weights 1 unless noted; ``t`` the threshold): DNase = context OR CTCF OR SP1
    (t 0.5); CTCF, NRSF (REST), the context TF of each cell and the :data:`UNGATED` TFs =
    their motif (t 0.5, no context part); a gated TF (:data:`GATED`) = factor motif AND
    context motif (t 1.5); H3K4me3 = any :data:`PROMOTER` motif, H3K27ac = the context or
    any :data:`ENHANCER` motif (t 0.5); H3K27me3 = YY1 AND REST AND NOT context (context
    weight -1, t 1.5); H3K9me3 = ZNF263 AND NOT context (t 0.5).
    """
    specs: list[ClassSpec] = []
    for cell, ctx in CELL_CONTEXT.items():
        specs.append(ClassSpec(f"{cell}|DNase|None", {"CTCF": 1.0, "SP1": 1.0}, 0.5,
                               {ctx: 1.0}))  # fmt: skip
    for cell, ctx in CELL_CONTEXT.items():
        specs.append(ClassSpec(f"{cell}|CTCF|None", {"CTCF": 1.0}, 0.5))
        specs.append(ClassSpec(f"{cell}|{CONTEXT_TF[cell]}|None", {ctx: 1.0}, 0.5))
    for cell, factor, motif in GATED:
        specs.append(ClassSpec(f"{cell}|{factor}|None", {motif: 1.0}, 1.5,
                               {CELL_CONTEXT[cell]: 1.0}))  # fmt: skip
    for cell in ("K562", "HepG2", "H1-hESC"):
        specs.append(ClassSpec(f"{cell}|NRSF|None", {"REST": 1.0}, 0.5))
    for name, motif in UNGATED.items():
        specs.append(ClassSpec(name, {motif: 1.0}, 0.5))
    for cell, ctx in CELL_CONTEXT.items():
        specs.append(ClassSpec(f"{cell}|H3K4me3|None", dict.fromkeys(PROMOTER, 1.0), 0.5))
        specs.append(ClassSpec(f"{cell}|H3K27ac|None", dict.fromkeys(ENHANCER, 1.0), 0.5,
                               {ctx: 1.0}))  # fmt: skip
        specs.append(ClassSpec(f"{cell}|H3K27me3|None", {"YY1": 1.0, "REST": 1.0}, 1.5,
                               {ctx: -1.0}))  # fmt: skip
        specs.append(ClassSpec(f"{cell}|H3K9me3|None", {"ZNF263": 1.0}, 0.5, {ctx: -1.0}))
    return specs


def weight_matrix(
    specs: Sequence[ClassSpec], motif_names: Sequence[str], part: str = "all"
) -> np.ndarray:
    """True motif weights ``(C, M)`` of ``specs`` over ``motif_names``: ``part`` "all",
    "factor" or "context"."""
    if part not in ("all", "factor", "context"):
        raise ValueError(f"part must be 'all', 'factor' or 'context', got {part!r}")
    index = {m: i for i, m in enumerate(motif_names)}
    w = np.zeros((len(specs), len(motif_names)))
    for c, spec in enumerate(specs):
        weights = spec.weights if part == "all" else getattr(spec, part)
        for motif, value in weights.items():
            if motif not in index:
                raise KeyError(f"class {spec.name}: unknown motif {motif!r}")
            w[c, index[motif]] = value
    return w


@dataclass
class Compendium:
    """Simulated data: one-hot ``x (N, 4, L)`` uint8, labels ``y (N, C)`` uint8, motif
    presence ``z (N, M)`` bool, and the truth: ``weights (C, M)`` (= ``factor_weights +
    context_weights``), ``thresholds (C,)`` and each class's cell type."""

    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    class_names: list[str]
    motif_names: list[str]
    motif_ids: list[str]
    weights: np.ndarray
    factor_weights: np.ndarray
    context_weights: np.ndarray
    thresholds: np.ndarray
    cells: list[str]

    def factor_similarity(self) -> np.ndarray:
        """The truth: Pearson correlation of ``max(factor_weights, 0)`` between classes
        ``(C, C)``."""
        return class_similarity(self.factor_weights)

    def decision_similarity(self) -> np.ndarray:
        """Pearson correlation of ``max(weights, 0)`` (factor and context) ``(C, C)``."""
        return class_similarity(self.weights)

    def same_cell(self) -> np.ndarray:
        """``(C, C)`` bool: the two classes are of the same cell type."""
        cells = np.asarray(self.cells)
        return cells[:, None] == cells[None, :]


def simulate(
    n: int,
    length: int = 300,
    p_motif: float = 0.2,
    p_context: float = 0.75,
    gain: float = 15.0,
    sharpness: float = 3.0,
    seed: int = 0,
    motifs: MotifSet | None = None,
    specs: Sequence[ClassSpec] | None = None,
) -> Compendium:
    """Simulate ``n`` sequences of ``length`` bp and their labels for :func:`class_specs`
    (or the classes ``specs``: only their motifs are planted, and only their cell types'
    context motifs share ``p_context``).

    ``motifs``: the PWMs to plant (default: :data:`MOTIFS` from JASPAR2014 via pyjaspar,
    offline). ``p_motif``: frequency of each non-context motif; ``p_context``: frequency of
    sequences with a cell-context motif (at most one each). ``gain`` sets how deterministic
    labels are (15: a rule missed by one motif gives p = sigmoid(-7.5) = 0.0006, one met
    p = 0.9994). Instances are drawn
    from the PWMs raised to the power ``sharpness`` (column-normalised): JASPAR's
    low-information columns would otherwise make planted sites hard to tell from the chance
    matches in random sequence (1 = sample the PWM itself).
    """
    if n < 1 or length < 1:
        raise ValueError(f"need n >= 1 and length >= 1, got n={n}, length={length}")
    for name, value in (("p_motif", p_motif), ("p_context", p_context)):
        if not 0 <= value <= 1:
            raise ValueError(f"{name} must be in [0, 1], got {value}")
    if gain <= 0 or sharpness <= 0:
        raise ValueError(f"gain and sharpness must be > 0, got {gain}, {sharpness}")
    motif_names = list(MOTIFS)
    if motifs is None:
        motifs = load_jaspar().subset(MOTIFS.values())
    if len(motifs) != len(motif_names):
        raise ValueError(f"need {len(motif_names)} motifs ({motif_names}), got {len(motifs)}")
    specs = class_specs() if specs is None else list(specs)
    if not specs:
        raise ValueError("no classes to simulate")
    weights = weight_matrix(specs, motif_names)
    used = np.abs(weights).sum(axis=0) > 0  # motifs of no class are not planted
    longest = max(p.shape[1] for p in motifs.pwms)
    if length < longest:
        raise ValueError(f"length={length} bp is shorter than the longest motif ({longest} bp)")
    sampled = [p**sharpness / (p**sharpness).sum(axis=0) for p in motifs.pwms]
    rng = np.random.default_rng(seed)
    seq = rng.integers(0, 4, size=(n, length), dtype=np.int8)
    z = rng.random((n, len(motif_names))) < p_motif
    z[:, ~used] = False
    # At most one cell type per sequence: one context motif, chosen uniformly, or none.
    contexts = np.array([motif_names.index(m) for m in dict.fromkeys(CELL_CONTEXT.values())])
    z[:, contexts] = False
    contexts = contexts[used[contexts]]
    carries = np.flatnonzero(rng.random(n) < (p_context if len(contexts) else 0.0))
    z[carries, contexts[rng.integers(0, len(contexts), size=len(carries))]] = True
    widths = np.array([p.shape[1] for p in motifs.pwms])
    for i in range(n):
        present = np.flatnonzero(z[i])
        if widths[present].sum() > length:
            raise ValueError(
                f"sequence {i}: its {len(present)} motifs ({widths[present].sum()} bp) do not "
                f"fit in length={length} bp; raise length or lower p_motif"
            )
        if len(present):
            _plant(seq[i], [sampled[m] for m in rng.permutation(present)], rng)
    x = np.zeros((n, 4, length), dtype=np.uint8)
    np.put_along_axis(x, seq[:, None, :].astype(np.int64), 1, axis=1)
    thresholds = np.array([s.threshold for s in specs])
    logits = gain * (z.astype(np.float64) @ weights.T - thresholds)
    y = (rng.random(logits.shape) < 1 / (1 + np.exp(-logits))).astype(np.uint8)
    return Compendium(
        x=x, y=y, z=z, class_names=[s.name for s in specs], motif_names=motif_names,
        motif_ids=list(motifs.ids), weights=weights,
        factor_weights=weight_matrix(specs, motif_names, "factor"),
        context_weights=weight_matrix(specs, motif_names, "context"),
        thresholds=thresholds, cells=[s.cell for s in specs],
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
