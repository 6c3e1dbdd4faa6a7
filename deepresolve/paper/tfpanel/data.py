"""Data of the TF ChIP-seq panel (paper: 422 ENCODE experiments, Table 1, Fig 5).

Every experiment is a pair of files in the Zeng et al. format (``train.data``,
``test.data``; see :mod:`deepresolve.sequences`): 101-bp positives centred on an instance
of the TF's JASPAR motif and dinucleotide-shuffled negatives. Sources:

* the paper's construction from ENCODE peaks, hg19 and FIMO
  (:mod:`deepresolve.paper.tfpanel.encode_fimo`, source ``encode_fimo``),
* Zeng et al. 2016's motif_discovery sets of the same experiments
  (``http://cnn.csail.mit.edu/motif_discovery/<experiment>/``, source ``zeng``), which
  are centred on the peak, not on a motif instance: not the paper's data,
* :func:`simulate_experiment`: positives carry a sampled instance of a JASPAR motif near
  the centre (present in a fraction of them, like a ChIP-seq set whose peaks do not all
  carry the motif), sometimes a co-factor motif elsewhere; negatives are shuffles,
* :func:`peaks_experiment`: real ChIP-seq peaks (the Oct4 and MafK peaks shipped in the
  janggu wheel), centred on their best match to the TF's motif as the paper's FIMO step
  did, with shuffled negatives.

The experiment table (:data:`EXPERIMENT_COLUMNS`) maps each experiment to its TF and the
JASPAR ids of that TF's motif(s), against which its filters are matched.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from deepresolve.download import fetch
from deepresolve.motifs.jaspar import MotifSet
from deepresolve.motifs.pwm import information_content
from deepresolve.sequences import decode, dinucleotide_shuffle, one_hot

EXPERIMENT_COLUMNS = ["experiment", "tf", "jaspar_ids", "source"]

# janggu 0.10.2's wheel ships human ChIP-seq peaks (200 bp): Oct4 (sample.fa) and MafK
# (sample2.fa). The paper matched Oct4 against JASPAR 2014's Pou5f1::Sox2 (no POU5F1 alone).
JANGGU_WHEEL = "janggu-0.10.2-py2.py3-none-any.whl"
JANGGU_SHA256 = "3825abe65578509232fcaa1e56f9eb5d71de105d70c9bcc9551357adc7d2fc47"
JANGGU_EXPERIMENTS = {
    "JangguOct4": ("janggu/resources/sample.fa", "POU5F1", "MA0142.1"),
    "JangguMafk": ("janggu/resources/sample2.fa", "MAFK", "MA0496.1"),
}


def read_experiments(path: str | os.PathLike) -> pd.DataFrame:
    """Experiment table: ``experiment``, ``tf``, ``jaspar_ids`` (``;``-separated; empty
    when the TF has no motif in the release, which makes every match a miss) and
    ``source``; raises ``ValueError`` naming the file on a missing column or a duplicate
    experiment."""
    df = pd.read_csv(path, sep="\t", dtype=str, comment="#", keep_default_na=False)
    missing = {"experiment", "jaspar_ids"} - set(df.columns)
    if missing:
        raise ValueError(f"{path}: missing columns {sorted(missing)}")
    df = df.assign(
        tf=df.get("tf", df["experiment"]), source=df.get("source", pd.Series("zeng", df.index))
    )[EXPERIMENT_COLUMNS]
    dup = df["experiment"].duplicated()
    if dup.any():
        raise ValueError(f"{path}: duplicate experiment {df['experiment'][dup].iloc[0]!r}")
    return df.reset_index(drop=True)


def source_experiments(
    table: str | os.PathLike, release: str, names: Sequence[str], source: str
) -> pd.DataFrame:
    """The experiment table of the ENCODE experiments ``names`` (in that order) of one
    source (``encode_fimo``, ``zeng``): ``experiment, tf, jaspar_ids`` (the TF's motif in
    ``release``, empty where it has none: always a miss), ``source``, ``match``, from
    ``resources/tfpanel/experiments.tsv``; ``KeyError`` naming experiments it lacks."""
    from deepresolve.motifs.jaspar import experiment_motifs

    motifs = experiment_motifs(table, release).set_index("experiment")
    missing = [n for n in names if n not in motifs.index]
    if missing:
        raise KeyError(f"{os.fspath(table)}: no experiments {missing[:5]}")
    out = motifs.loc[list(names)].reset_index().rename(columns={"jaspar_id": "jaspar_ids"})
    return out.assign(source=source)[[*EXPERIMENT_COLUMNS, "match"]]


def jaspar_ids(row: pd.Series | dict) -> list[str]:
    """The JASPAR ids of one experiment-table row (none for an empty or missing value)."""
    value = row["jaspar_ids"]
    if not isinstance(value, str):
        return []
    return [i.strip() for i in value.split(";") if i.strip()]


# --- simulation -----------------------------------------------------------------------


def sample_instances(pwm: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` sequences drawn column by column from a ``(4, W)`` PWM, each on a random
    strand: base codes ``(n, W)``."""
    pwm = np.asarray(pwm, dtype=np.float64)
    cum = np.cumsum(pwm / pwm.sum(0, keepdims=True), axis=0)
    u = rng.random((n, 1, pwm.shape[1]))
    codes = (u > cum[None, :-1]).sum(1)  # (n, W)
    flip = rng.random(n) < 0.5
    codes[flip] = 3 - codes[flip, ::-1]
    return codes


def _background(n: int, length: int, gc: float, rng: np.random.Generator) -> np.ndarray:
    p = np.array([1 - gc, gc, gc, 1 - gc]) / 2
    return rng.choice(4, size=(n, length), p=p)


def simulate_experiment(
    pwm: np.ndarray,
    n_positive: int,
    rng: np.random.Generator,
    length: int = 101,
    motif_fraction: float = 0.85,
    jitter: int = 10,
    cofactor: np.ndarray | None = None,
    cofactor_fraction: float = 0.3,
    gc: float = 0.42,
    name: str = "sim",
) -> pd.DataFrame:
    """One simulated experiment in the Zeng et al. columns (region, sequence, label).

    Positives: random background (GC fraction ``gc``) with an instance of ``pwm`` at the
    centre +- ``jitter`` bp in a fraction ``motif_fraction`` of them, and one of
    ``cofactor`` at a random non-overlapping place in a fraction ``cofactor_fraction``.
    Negatives: one dinucleotide shuffle of each positive (the paper's negatives).
    """
    if not 0 <= motif_fraction <= 1 or not 0 <= cofactor_fraction <= 1:
        raise ValueError(
            f"motif_fraction and cofactor_fraction must be in [0, 1], got "
            f"{motif_fraction}, {cofactor_fraction}"
        )
    width = pwm.shape[1]
    if width + 2 * jitter > length:
        raise ValueError(f"motif of width {width} +- jitter {jitter} does not fit {length} bp")
    seqs = _background(n_positive, length, gc, rng)
    has = rng.random(n_positive) < motif_fraction
    start = (length - width) // 2 + rng.integers(-jitter, jitter + 1, n_positive)
    inst = sample_instances(pwm, n_positive, rng)
    for i in np.flatnonzero(has):
        seqs[i, start[i] : start[i] + width] = inst[i]
    if cofactor is not None:
        cw = cofactor.shape[1]
        co = sample_instances(cofactor, n_positive, rng)
        for i in np.flatnonzero(rng.random(n_positive) < cofactor_fraction):
            # Left or right of the primary motif's slot, wherever there is room.
            left = np.arange(0, max(0, start[i] - cw) + 1)
            right = np.arange(start[i] + width, length - cw + 1)
            places = np.concatenate([left if start[i] >= cw else [], right]).astype(int)
            if len(places):
                p = rng.choice(places)
                seqs[i, p : p + cw] = co[i]
    pos = np.eye(4, dtype=np.float32)[seqs].transpose(0, 2, 1)
    return _with_shuffles(pos, rng, name)


def _with_shuffles(pos: np.ndarray, rng: np.random.Generator, name: str) -> pd.DataFrame:
    """Positives ``(N, 4, L)`` named ``<name>:<start>-<end>`` and one dinucleotide shuffle
    of each (:func:`shuffled_pairs`)."""
    n, length = len(pos), pos.shape[2]
    return shuffled_pairs(pos, rng, [f"{name}:{i * length}-{(i + 1) * length}" for i in range(n)])


def shuffled_pairs(
    pos: np.ndarray, rng: np.random.Generator, regions: Sequence[str]
) -> pd.DataFrame:
    """Positives ``(N, 4, L)`` and one uniform dinucleotide shuffle of each (the paper's
    negatives), interleaved in the Zeng et al. columns: positive ``i`` is row ``2i``
    (region ``regions[i]``, label 1), its shuffle row ``2i + 1`` (region
    ``<regions[i]>_shuf``, label 0)."""
    if len(regions) != len(pos):
        raise ValueError(f"{len(regions)} region names for {len(pos)} positives")
    neg = dinucleotide_shuffle(pos, rng)
    n = len(pos)
    seqs = np.empty(2 * n, dtype=object)
    seqs[0::2], seqs[1::2] = decode(pos), decode(neg)
    region = np.empty(2 * n, dtype=object)
    region[0::2], region[1::2] = list(regions), [f"{r}_shuf" for r in regions]
    return pd.DataFrame({"region": region, "sequence": seqs, "label": np.tile([1, 0], n)})


def choose_motifs(
    motifs: MotifSet,
    n: int,
    rng: np.random.Generator,
    max_width: int = 21,
    min_ic: float = 8.0,
) -> list[int]:
    """Indices of ``n`` distinct motifs no wider than ``max_width`` with at least ``min_ic``
    bits in total, chosen at random (the panel's TFs)."""
    ok = [
        k
        for k, pwm in enumerate(motifs.pwms)
        if pwm.shape[1] <= max_width and information_content(pwm).sum() >= min_ic
    ]
    if len(ok) < n:
        raise ValueError(f"only {len(ok)} motifs fit (width <= {max_width}, IC >= {min_ic})")
    return sorted(rng.choice(ok, size=n, replace=False).tolist())


def simulated_panel(
    motifs: MotifSet,
    n_experiments: int,
    n_positive: int,
    seed: int,
    cofactor_fraction: float = 0.3,
    motif_fraction: tuple[float, float] = (0.75, 0.95),
    min_ic: float = 10.0,
    **kwargs,
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """``n_experiments`` simulated experiments named ``Sim01, Sim02, ...``, each with
    its own JASPAR motif (at least ``min_ic`` bits), a co-factor motif drawn from the rest
    and a motif fraction drawn uniformly from ``motif_fraction``. Returns the experiment
    table and each experiment's sequences (see :func:`simulate_experiment` for ``kwargs``)."""
    rng = np.random.default_rng(seed)
    chosen = choose_motifs(motifs, n_experiments, rng, min_ic=min_ic)
    rows, data = [], {}
    for e, k in enumerate(chosen):
        name = f"Sim{e + 1:02d}"
        co = rng.choice([j for j in range(len(motifs)) if j != k])
        frac = float(rng.uniform(*motif_fraction))
        data[name] = simulate_experiment(
            motifs.pwms[k], n_positive, rng, motif_fraction=frac, cofactor=motifs.pwms[co],
            cofactor_fraction=cofactor_fraction, name=name, **kwargs,
        )  # fmt: skip
        rows.append((name, motifs.names[k], motifs.ids[k], "simulated"))
    return pd.DataFrame(rows, columns=EXPERIMENT_COLUMNS), data


def split_pairs(
    df: pd.DataFrame, test_fraction: float, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Train/test split of an interleaved positive/shuffle table that keeps each positive
    with its own shuffle (so no test negative is a shuffle of a training positive)."""
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction}")
    n = len(df) // 2
    order = rng.permutation(n)
    k = max(1, int(round(n * test_fraction)))

    def rows(pairs):
        pairs = np.sort(pairs)
        return df.iloc[np.stack([2 * pairs, 2 * pairs + 1], 1).ravel()].reset_index(drop=True)

    return rows(order[k:]), rows(order[:k])


# --- real peaks ---------------------------------------------------------------------


def best_match_starts(x: np.ndarray, pwm: np.ndarray, pseudo: float = 0.01) -> np.ndarray:
    """Start of the best log-odds match (either strand, uniform background) of a
    ``(4, W)`` PWM in each one-hot sequence ``(N, 4, L)`` -> ``(N,)``."""
    p = (np.asarray(pwm) + pseudo) / (1 + 4 * pseudo)
    lo = torch.as_tensor(np.log2(p / 0.25), dtype=torch.float32)
    w = torch.stack([lo, lo.flip(0).flip(1)])  # forward and reverse-complement
    scores = F.conv1d(torch.as_tensor(x, dtype=torch.float32), w)  # (N, 2, L - W + 1)
    return scores.amax(1).argmax(1).numpy()


def peaks_experiment(
    seqs: Sequence[str],
    pwm: np.ndarray,
    rng: np.random.Generator,
    length: int = 101,
    name: str = "peaks",
) -> pd.DataFrame:
    """Positives: ``length``-bp windows of ChIP-seq peaks centred on each peak's best
    match to the TF's ``pwm`` (shifted inwards at the peak ends); negatives: one
    dinucleotide shuffle of each. Peaks with non-ACGT bases are dropped."""
    seqs = [s.upper() for s in seqs if re.fullmatch(r"[ACGTacgt]+", s)]
    if not seqs:
        raise ValueError(f"{name}: no peaks with only ACGT bases")
    x = one_hot(seqs)
    if x.shape[2] < length:
        raise ValueError(f"{name}: peaks of {x.shape[2]} bp are shorter than {length} bp")
    centre = best_match_starts(x, pwm) + pwm.shape[1] // 2
    start = np.clip(centre - length // 2, 0, x.shape[2] - length)
    pos = np.stack([x[i, :, s : s + length] for i, s in enumerate(start)])
    return _with_shuffles(pos, rng, name)


def fetch_janggu_wheel(path: str | os.PathLike, url: str) -> Path:
    """janggu 0.10.2's wheel at ``path``: downloaded from ``url`` (PyPI's file, the config's
    ``tfpanel.janggu_url``; ``file://`` for a local copy) when absent, sha256-checked
    (:data:`JANGGU_SHA256`); a file that fails the check is removed and fetched again, and
    :class:`~deepresolve.download.DownloadError` is raised when none can be verified."""
    return fetch(url, path, known_hash=f"sha256:{JANGGU_SHA256}")


def read_wheel_fasta(wheel: str | os.PathLike, member: str) -> list[str]:
    """Sequences of a FASTA file inside a wheel (zip)."""
    with zipfile.ZipFile(wheel) as zf:
        try:
            text = zf.read(member).decode("ascii")
        except KeyError:
            raise KeyError(f"{wheel}: no member {member!r}") from None
    seqs = ["".join(block.splitlines()[1:]) for block in text.split(">")[1:] if block.strip()]
    if not seqs:
        raise ValueError(f"{wheel}:{member}: no FASTA records")
    return seqs


def load_split(paths: Sequence[str | os.PathLike], names: Sequence[str]):
    """Zeng et al. files, one per experiment, as one
    :class:`deepresolve.paper.tfpanel.panel.PanelData`."""
    from deepresolve.paper.tfpanel.panel import PanelData, encode
    from deepresolve.sequences import read_zeng

    if len(paths) != len(names):
        raise ValueError(f"{len(paths)} files for {len(names)} experiments")
    sets = []
    for path in paths:
        df = read_zeng(path)
        sets.append((encode(list(df["sequence"])), df["label"].to_numpy(np.int8)))
    return PanelData.stack(sets, list(names))


def known_motif_pvalues(
    motifs: dict[str, np.ndarray],
    experiments: pd.DataFrame,
    targets: MotifSet,
    backend: str = "auto",
    min_ic: float = 0.25,
    min_width: int = 6,
    threads: int = 1,
) -> tuple[dict[str, np.ndarray], pd.DataFrame]:
    """TOMTOM p-value of each query motif against its experiment's known JASPAR motif(s).

    ``motifs``: per kind (e.g. ``"filters"``, ``"deepmotif"``) PWMs ``(E, M, 4, W)``, one
    row per experiment of ``experiments`` (in order). Low-information flanks are trimmed
    (:func:`deepresolve.motifs.pwm.trim`), every query is compared with the whole ``targets``
    collection in one TOMTOM run, and the lowest p-value against any of the experiment's
    ``jaspar_ids`` is kept (1 when unreported). Returns ``({kind: (E, M)}, best)``,
    ``best`` being every query's best target overall (columns query, experiment, kind,
    index, target, target_name, pvalue, qvalue).
    """
    from deepresolve.motifs.pwm import trim
    from deepresolve.motifs.tomtom import best_matches, tomtom

    names = list(experiments["experiment"])
    allowed = {row["experiment"]: set(jaspar_ids(row)) for _, row in experiments.iterrows()}
    unknown = {i for ids in allowed.values() for i in ids} - set(targets.ids)
    if unknown:
        raise KeyError(f"JASPAR ids {sorted(unknown)[:5]} are not in the target collection")
    ids, pwms, shapes = [], [], {}
    for kind, arr in motifs.items():
        arr = np.asarray(arr)
        if arr.ndim != 4 or arr.shape[0] != len(names) or arr.shape[2] != 4:
            raise ValueError(f"{kind}: motifs must be (E={len(names)}, M, 4, W), got {arr.shape}")
        shapes[kind] = arr.shape[:2]
        for e, name in enumerate(names):
            for m in range(arr.shape[1]):
                ids.append(f"{name}|{kind}|{m}")
                pwms.append(trim(arr[e, m], min_ic=min_ic, min_width=min_width))
    hits = tomtom(MotifSet(ids, ids, pwms), targets, backend=backend, threads=threads)
    parts = hits["query"].str.split("|", expand=True)
    hits = hits.assign(experiment=parts[0], kind=parts[1], index=parts[2].astype(int))
    own = hits[[t in allowed[x] for x, t in zip(hits["experiment"], hits["target"], strict=True)]]
    best_own = own.groupby(["kind", "experiment", "index"])["pvalue"].min()
    out = {}
    for kind, (e_n, m_n) in shapes.items():
        p = np.ones((e_n, m_n))
        for (k, x, m), value in best_own.items():
            if k == kind:
                p[names.index(x), m] = value
        out[kind] = p
    best = best_matches(hits)[
        ["query", "experiment", "kind", "index", "target", "target_name", "pvalue", "qvalue"]
    ]
    return out, best
