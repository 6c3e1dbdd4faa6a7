"""Real-sequence checks of the TF panel: the authors' 422 models on real ChIP-seq test
sets, and the paper's CNN retrained on real training positives that hold an instance of
the TF's motif, as the paper's construction (:mod:`.encode_fimo`) makes them.

The sequences come from a folder laid out like ``shared/data/real-chipseq`` (config key
``real_sequences``, a ``file://`` or ``https://`` URL): ``SHA256SUMS`` lists every file,
and every experiment found under ``zeng/<experiment>/{train,test}.data`` (Zeng et al.
2016; positives and their shuffles) or ``deepbind/<experiment>/{train_positives,test}
.seq.gz`` (DeepBind's ENCODE sets; training positives only) is used.

- **Motif instances**: FIMO (:func:`deepresolve.motifs.fimo.fimo`, p < 1e-4, both
  strands) with the experiment's JASPAR motif over every positive.
- ``authors_real_auc``: per real test set, the authors' model on all positives vs all
  negatives (``auc_all``) and on the positives holding an instance vs all negatives
  (``auc_motif``); :func:`strand_auc` splits the latter by the best instance's strand.
- ``real_retrain``: for each experiment with a training set, the positives that hold an
  instance, each re-centred on its best (lowest p-value) instance where the sequence is
  longer than the window (the shared sets are exactly 101 bp, so they are used as they
  are: these models max-pool over all positions), plus one dinucleotide shuffle each,
  for training; the test set restricted the same way (its file's own negatives are not
  used) for the retrained CNN and the authors' model alike. Test positives identical to a
  training positive are dropped.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from deepresolve.download import fetch, read_checksums
from deepresolve.motifs.fimo import THRESHOLD, fimo
from deepresolve.motifs.jaspar import MotifSet
from deepresolve.paper.tfpanel.data import shuffled_pairs
from deepresolve.paper.tfpanel.encode_fimo import experiment_rng
from deepresolve.sequences import one_hot, read_zeng
from deepresolve.training import auc_per_class

__all__ = [
    "README_AUC_ALL",
    "SET_FILES",
    "real_manifest",
    "fetch_real_sequences",
    "read_manifest",
    "read_real_set",
    "motif_instances",
    "recentre",
    "auc_table",
    "strand_auc",
    "retrain_sets",
    "build_sets",
    "fimo_counts",
    "experiment_logits",
    "cap_positives",
    "top_filter_hits",
    "retrain_table",
]

# The all-positive AUCs of the authors' models that shared/data/real-chipseq/README.md
# reports (Theano kernel flip, rows A, C, G, T): per Zeng test set, and the median over
# its 8 DeepBind test sets.
README_AUC_ALL = {
    ("wgEncodeAwgTfbsBroadDnd41CtcfUniPk", "zeng"): 0.877,
    ("wgEncodeAwgTfbsSydhGm12878Stat3IggmusUniPk", "zeng"): 0.634,
}
README_DEEPBIND_MEDIAN = 0.956
README_DEEPBIND_EXPERIMENTS = (
    "wgEncodeAwgTfbsHaibGm12878NrsfPcr1xUniPk",
    "wgEncodeAwgTfbsHaibH1hescSrfPcr1xUniPk",
    "wgEncodeAwgTfbsHaibH1hescTead4sc101184V0422111UniPk",
    "wgEncodeAwgTfbsHaibH1hescYy1sc281V0416102UniPk",
    "wgEncodeAwgTfbsHaibHepg2Usf1Pcr1xUniPk",
    "wgEncodeAwgTfbsSydhGm12878Elk112771IggmusUniPk",
    "wgEncodeAwgTfbsSydhH1hescTbpIggrabUniPk",
    "wgEncodeAwgTfbsSydhH1hescZnf143IggrabUniPk",
)

# (source, split) -> file name under <source>/<experiment>/
SET_FILES = {
    ("zeng", "train"): "train.data",
    ("zeng", "test"): "test.data",
    ("deepbind", "train"): "train_positives.seq.gz",
    ("deepbind", "test"): "test.seq.gz",
}
MANIFEST_COLUMNS = ["experiment", "source", "split", "path", "sha256"]
INSTANCE_COLUMNS = ["n_instances", "start", "end", "strand", "pvalue"]


def real_manifest(checksums: dict[str, str]) -> pd.DataFrame:
    """The sequence sets among a folder's files (``SHA256SUMS`` as name -> sha256, names
    relative to the folder): columns :data:`MANIFEST_COLUMNS`, sorted. Other files are
    ignored. Raises ``ValueError`` when there is no set, or when an experiment has
    training sets from two sources (``real_retrain`` has one row per experiment)."""
    files = {(src, name): split for (src, split), name in SET_FILES.items()}
    rows = []
    for name, digest in checksums.items():
        parts = Path(name).parts
        parts = parts[1:] if parts and parts[0] == "." else parts
        if len(parts) == 3 and (parts[0], parts[2]) in files:
            split = files[(parts[0], parts[2])]
            rows.append((parts[1], parts[0], split, "/".join(parts), digest))
    if not rows:
        known = sorted({f"<source>/<experiment>/{n}" for n in SET_FILES.values()})
        raise ValueError(f"no sequence sets listed (expected any of {known})")
    table = pd.DataFrame(rows, columns=MANIFEST_COLUMNS).sort_values(
        ["experiment", "source", "split"], ignore_index=True
    )
    train = table[table["split"] == "train"]
    two = train["experiment"][train["experiment"].duplicated()]
    if len(two):
        raise ValueError(f"{two.iloc[0]} has training sets from more than one source")
    return table


def fetch_real_sequences(url: str, folder: str | os.PathLike, retries: int = 3) -> pd.DataFrame:
    """Fetch ``<url>/SHA256SUMS`` and every sequence set it lists (sha256-checked,
    format-checked, retried, :func:`deepresolve.download.fetch`) into ``folder``, keeping
    the layout; write ``<folder>/manifest.tsv`` (:func:`real_manifest`, ``path`` relative
    to ``folder``) last, and return it."""
    from deepresolve.io import write_tsv

    folder, url = Path(folder), url.rstrip("/")
    sums = fetch(
        f"{url}/SHA256SUMS", folder / "SHA256SUMS", retries=retries,
        validate=lambda p: read_checksums(p, "sha256"),
    )  # fmt: skip
    manifest = real_manifest(read_checksums(sums, "sha256"))
    for row in manifest.itertuples(index=False):
        fetch(
            f"{url}/{row.path}", folder / row.path, known_hash=f"sha256:{row.sha256}",
            retries=retries, validate=lambda p, s=row.source: read_real_set(p, s),
        )  # fmt: skip
    write_tsv(folder / "manifest.tsv", manifest)
    return manifest


def read_manifest(folder: str | os.PathLike) -> pd.DataFrame:
    """``<folder>/manifest.tsv`` of :func:`fetch_real_sequences`, ``path`` made absolute."""
    folder = Path(folder)
    table = pd.read_csv(folder / "manifest.tsv", sep="\t", dtype=str)
    missing = set(MANIFEST_COLUMNS) - set(table.columns)
    if missing:
        raise ValueError(f"{folder / 'manifest.tsv'}: missing columns {sorted(missing)}")
    return table.assign(path=[str(folder / p) for p in table["path"]])


def read_real_set(path: str | os.PathLike, source: str) -> pd.DataFrame:
    """One set as columns ``region, sequence`` (upper case), ``label`` (1 bound, 0 not):
    ``zeng`` (``region sequence label`` lines) or ``deepbind`` (gzipped TSV with header
    ``FoldID EventID seq Bound``; region = EventID). Raises ``ValueError`` naming the
    file when it is not in that format."""
    path = Path(path)
    if source == "zeng":
        table = read_zeng(path)
    elif source == "deepbind":
        try:
            raw = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, EOFError, OSError,
                UnicodeDecodeError) as err:  # fmt: skip
            raise ValueError(f"{path}: not a DeepBind .seq.gz file ({err})") from err
        missing = {"EventID", "seq", "Bound"} - set(raw.columns)
        if missing:
            raise ValueError(f"{path}: missing DeepBind columns {sorted(missing)}")
        if raw.empty or not raw["Bound"].isin(["0", "1"]).all():
            raise ValueError(f"{path}: no sequences, or Bound not 0/1")
        table = pd.DataFrame(
            {
                "region": raw["EventID"],
                "sequence": raw["seq"],
                "label": raw["Bound"].astype(np.int8),
            }
        )
    else:
        raise ValueError(f"unknown real-sequence source {source!r} (zeng, deepbind)")
    if table["sequence"].str.len().nunique() != 1:
        raise ValueError(f"{path}: sequences of different lengths")
    return table.assign(sequence=table["sequence"].str.upper())


def motif_instances(
    seqs: Sequence[str],
    motif_id: str,
    pwm: np.ndarray,
    threshold: float = THRESHOLD,
    backend: str = "memelite",
) -> pd.DataFrame:
    """FIMO instances of one ``(4, W)`` motif in each sequence: ``(N,)`` rows of
    ``n_instances`` and the best (lowest p-value) instance's ``start``, ``end`` (0-based,
    end-exclusive), ``strand`` and ``pvalue`` (-1, -1, ``""``, NaN when there is none)."""
    hits = fimo(MotifSet([motif_id], [motif_id], [pwm]), list(seqs), threshold, backend)
    idx = hits["sequence"].astype(int)
    out = pd.DataFrame(
        {
            "n_instances": np.bincount(idx, minlength=len(seqs)),
            "start": -1,
            "end": -1,
            "strand": "",
            "pvalue": np.nan,
        }  # fmt: skip
    )
    best = hits.assign(idx=idx).sort_values(["pvalue", "start"], kind="stable")
    best = best.drop_duplicates("idx")
    out.loc[best["idx"], ["start", "end", "strand", "pvalue"]] = best[
        ["start", "end", "strand", "pvalue"]
    ].to_numpy()
    return out.astype({"start": np.int64, "end": np.int64, "pvalue": np.float64})


def recentre(seqs: Sequence[str], start: np.ndarray, end: np.ndarray, length: int) -> list[str]:
    """The ``length``-bp window of each sequence centred on its instance (``start`` ..
    ``end``; centre base ``start + width // 2``), shifted inwards where the sequence's
    flanks are too short; a sequence of exactly ``length`` bp is its own window."""
    out = []
    for s, a, b in zip(seqs, np.asarray(start), np.asarray(end), strict=True):
        if len(s) < length:
            raise ValueError(f"a {len(s)}-bp sequence is shorter than the {length}-bp window")
        first = int(np.clip(a + (b - a) // 2 - length // 2, 0, len(s) - length))
        out.append(s[first : first + length])
    return out


def _auc(pos: np.ndarray, neg: np.ndarray) -> float:
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    y = np.r_[np.ones(len(pos)), np.zeros(len(neg))][:, None]
    return float(auc_per_class(y, np.r_[pos, neg][:, None])[0])


def auc_table(sets: pd.DataFrame, logits: np.ndarray) -> pd.DataFrame:
    """``authors_real_auc``: one row per test set of ``sets`` (columns ``experiment,
    source, split, label, n_instances``; ``logits (N,)`` of the experiment's model on each
    row) with ``n_pos, n_neg, n_pos_motif, auc_all, auc_motif``."""
    sets = sets.assign(logit=np.asarray(logits, dtype=np.float64))
    rows = []
    for (experiment, source, split), g in sets[sets["split"] == "test"].groupby(
        ["experiment", "source", "split"], sort=True
    ):
        pos, neg = g[g["label"] == 1], g[g["label"] == 0]
        motif = pos[pos["n_instances"] > 0]
        rows.append(
            {
                "experiment": experiment, "source": source, "split": split,
                "n_pos": len(pos), "n_neg": len(neg), "n_pos_motif": len(motif),
                "auc_all": _auc(pos["logit"].to_numpy(), neg["logit"].to_numpy()),
                "auc_motif": _auc(motif["logit"].to_numpy(), neg["logit"].to_numpy()),
            }
        )  # fmt: skip
    return pd.DataFrame(rows)


def strand_auc(sets: pd.DataFrame, logits: np.ndarray) -> pd.DataFrame:
    """Per test set, ``auc_motif`` of the positives whose best instance is on the plus
    strand and of those on the minus strand (each vs all negatives), with their counts:
    columns ``experiment, source, n_plus, n_minus, auc_plus, auc_minus``."""
    sets = sets.assign(logit=np.asarray(logits, dtype=np.float64))
    rows = []
    for (experiment, source), g in sets[sets["split"] == "test"].groupby(
        ["experiment", "source"], sort=True
    ):
        neg = g.loc[g["label"] == 0, "logit"].to_numpy()
        pos = g[g["label"] == 1]
        plus = pos.loc[pos["strand"] == "+", "logit"].to_numpy()
        minus = pos.loc[pos["strand"] == "-", "logit"].to_numpy()
        rows.append(
            {
                "experiment": experiment, "source": source, "n_plus": len(plus),
                "n_minus": len(minus), "auc_plus": _auc(plus, neg), "auc_minus": _auc(minus, neg),
            }
        )  # fmt: skip
    return pd.DataFrame(rows)


def retrain_sets(sets: pd.DataFrame, seed: int, length: int = 101) -> pd.DataFrame:
    """The retraining data of every experiment of ``sets`` (columns ``experiment, split,
    region, sequence, label`` and :data:`INSTANCE_COLUMNS`) that has a training set: its
    training and test positives holding an instance, re-centred (:func:`recentre`), test
    positives identical to a training one dropped, each followed by one dinucleotide
    shuffle (seeded by ``seed`` and the experiment's name). Columns ``experiment, split,
    region, sequence, label``."""
    parts = []
    with_train = sorted(set(sets.loc[sets["split"] == "train", "experiment"]))
    for experiment in with_train:
        rng = experiment_rng(seed, experiment)
        seen: set[str] = set()
        for split in ("train", "test"):
            g = sets[(sets["experiment"] == experiment) & (sets["split"] == split)]
            g = g[(g["label"] == 1) & (g["n_instances"] > 0)]
            windows = recentre(list(g["sequence"]), g["start"], g["end"], length)
            keep = [i for i, w in enumerate(windows) if split == "train" or w not in seen]
            seen.update(windows)
            if not keep:
                raise ValueError(f"{experiment}: no {split} positive holds an instance")
            x = one_hot([windows[i] for i in keep])
            pairs = shuffled_pairs(x, rng, list(g["region"].iloc[keep]))
            parts.append(pairs.assign(experiment=experiment, split=split))
    if not parts:
        raise ValueError("no experiment has a training set")
    return pd.concat(parts, ignore_index=True)[
        ["experiment", "split", "region", "sequence", "label"]
    ]


def build_sets(
    manifest: pd.DataFrame,
    motif_ids: dict[str, str],
    motifs: MotifSet,
    threshold: float = THRESHOLD,
    backend: str = "memelite",
) -> pd.DataFrame:
    """Every sequence of every set of ``manifest`` (:func:`read_manifest`) with the FIMO
    instances of its experiment's motif (``motif_ids``: experiment -> id in ``motifs``)
    in the positives: columns ``experiment, source, split, region, sequence, label,
    motif`` and :data:`INSTANCE_COLUMNS` (negatives are not scanned: ``n_instances`` 0).
    ``KeyError`` naming an experiment without a motif."""
    missing = sorted({e for e in manifest["experiment"] if not motif_ids.get(e)})
    if missing:
        raise KeyError(f"no JASPAR motif for the real-sequence experiments {missing[:5]}")
    parts = []
    for row in manifest.itertuples(index=False):
        table = read_real_set(row.path, row.source)
        found = pd.DataFrame(
            {"n_instances": 0, "start": -1, "end": -1, "strand": "", "pvalue": np.nan},
            index=table.index,
        )
        pos = table["label"].to_numpy() == 1
        motif = motif_ids[row.experiment]
        inst = motif_instances(
            list(table["sequence"][pos]), motif, motifs.by_id(motif), threshold, backend
        )
        found.loc[pos] = inst.set_axis(table.index[pos]).to_numpy()
        parts.append(
            pd.concat([table, found], axis=1).assign(
                experiment=row.experiment, source=row.source, split=row.split, motif=motif
            )
        )
    sets = pd.concat(parts, ignore_index=True)
    sets = sets.astype(
        {"n_instances": np.int64, "start": np.int64, "end": np.int64, "pvalue": np.float64}
    )
    cols = ["experiment", "source", "split", "region", "sequence", "label", "motif"]
    return sets[cols + INSTANCE_COLUMNS]


def fimo_counts(sets: pd.DataFrame) -> pd.DataFrame:
    """Per set of :func:`build_sets`' table: ``experiment, source, split, motif,
    n_sequences, n_pos, n_pos_motif`` (positives holding an instance) and ``n_instances``
    (all instances in its positives)."""
    pos = sets["label"] == 1
    return (
        sets.assign(pos=pos, pos_motif=pos & (sets["n_instances"] > 0))
        .groupby(["experiment", "source", "split", "motif"], sort=True)
        .agg(
            n_sequences=("label", "size"),
            n_pos=("pos", "sum"),
            n_pos_motif=("pos_motif", "sum"),
            n_instances=("n_instances", "sum"),
        )
        .reset_index()
    )


def experiment_logits(
    models: dict, sets: pd.DataFrame, batch_size: int = 512, device=None
) -> np.ndarray:
    """Logit ``(N,)`` of each row of ``sets`` (columns ``experiment, sequence``) under its
    experiment's model (``models``: experiment -> ``nn.Module``, one-hot ``(N, 4, L)`` ->
    ``(N, 1)``)."""
    from deepresolve.training import predict_logits

    out = np.full(len(sets), np.nan)
    for experiment, idx in sets.groupby("experiment", sort=True).indices.items():
        if experiment not in models:
            raise KeyError(f"no model for experiment {experiment!r}")
        x = one_hot(list(sets["sequence"].iloc[idx]))
        out[idx] = predict_logits(models[experiment], x, device=device, batch_size=batch_size)[:, 0]
    return out


def cap_positives(retrain: pd.DataFrame, limit: int | None, seed: int) -> pd.DataFrame:
    """:func:`retrain_sets`' table with at most ``limit`` training positives (and their
    shuffles) per experiment, a random subset seeded by ``seed`` and the experiment's
    name, in their order; ``None`` keeps all."""
    if limit is None:
        return retrain
    keep = np.ones(len(retrain), dtype=bool)
    train = retrain["split"] == "train"
    for experiment, idx in retrain[train].groupby("experiment", sort=True).indices.items():
        rows = np.flatnonzero(train.to_numpy())[idx]
        pairs = rows[::2]  # positives; each shuffle is the next row
        if len(pairs) > limit:
            chosen = experiment_rng(seed, experiment).choice(len(pairs), limit, replace=False)
            drop = np.setdiff1d(np.arange(len(pairs)), chosen)
            keep[pairs[drop]] = keep[pairs[drop] + 1] = False
    return retrain[keep].reset_index(drop=True)


def top_filter_hits(
    names: Sequence[str], ofiv: np.ndarray, pvalues: np.ndarray, k: int = 5, threshold: float = 0.05
) -> pd.DataFrame:
    """Per model: its ``k`` filters of highest OFIV ``(E, K)``, the lowest TOMTOM p-value
    ``(E, K)`` among them against the TF's motif, and whether it is below ``threshold``
    (a top-``k`` hit): columns ``experiment, top_filters`` (``;``-separated, best first),
    ``top_pvalue``, ``hit``."""
    from deepresolve.paper.tfpanel.filter_ranks import hits, ranked_pvalues

    ofiv, pvalues = np.asarray(ofiv), np.asarray(pvalues)
    order = np.argsort(-ofiv, axis=1, kind="stable")[:, :k]
    ranked = ranked_pvalues(pvalues, ofiv)
    return pd.DataFrame(
        {
            "experiment": list(names),
            "top_filters": [";".join(map(str, row)) for row in order],
            "top_pvalue": ranked[:, :k].min(axis=1),
            "hit": hits(ranked, k, threshold),
        }
    )


RETRAIN_COLUMNS = ["experiment", "n_train", "n_test", "auc_retrained", "auc_authors"]


def retrain_table(auc: pd.DataFrame, top: pd.DataFrame, k: int = 5) -> pd.DataFrame:
    """``real_retrain``: the retrained panel's table (columns ``experiment, n_train, n_test,
    auc_retrained, auc_authors``) with each model's top-``k`` hit (:func:`top_filter_hits`
    rows with a ``model`` column, ``retrained`` or ``authors``): columns
    ``top<k>_hit_retrained``, ``top<k>_hit_authors`` (and ``top``'s ``tomtom_backend``,
    ``tomtom_distance`` when it has them)."""
    out = auc[RETRAIN_COLUMNS].copy()
    for model in ("retrained", "authors"):
        hit = top[top["model"] == model].set_index("experiment")["hit"]
        missing = set(out["experiment"]) - set(hit.index)
        if missing:
            raise KeyError(f"no top-filter row of the {model} model for {sorted(missing)[:5]}")
        out[f"top{k}_hit_{model}"] = out["experiment"].map(hit).astype(bool).to_numpy()
    for col in ("tomtom_backend", "tomtom_distance"):
        if col in top.columns:
            out[col] = top[col].iloc[0]
    return out
