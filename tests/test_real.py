"""Real-sequence checks: the folder's manifest, the two set formats, motif instances,
re-centring, AUC tables, the retraining sets (instance-holding positives + one
dinucleotide shuffle each), top-k hits and the findings; fetching checks every file."""

import gzip
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from deepresolve.download import DownloadError
from deepresolve.paper.tfpanel.findings import real_findings
from deepresolve.paper.tfpanel.real import (
    auc_table,
    build_sets,
    cap_positives,
    fetch_real_sequences,
    fimo_counts,
    motif_instances,
    read_manifest,
    read_real_set,
    real_manifest,
    recentre,
    retrain_sets,
    retrain_table,
    strand_auc,
    top_filter_hits,
)

SITE = "GGCGCCGGGCCG"
SITE_RC = SITE[::-1].translate(str.maketrans("ACGT", "TGCA"))
PWM = np.full((4, len(SITE)), 0.01)
for _j, _b in enumerate(SITE):
    PWM["ACGT".index(_b), _j] = 0.97


def at_background(rng, n, length=101):
    return ["".join(rng.choice(list("AT"), length)) for _ in range(n)]


def plant(seq, at, site):
    return seq[:at] + site + seq[at + len(site) :]


def dinucs(s):
    return Counter(s[i : i + 2] for i in range(len(s) - 1))


def write_folder(root, rng):
    """A folder laid out like shared/data/real-chipseq: one Zeng experiment (train and
    test) and one DeepBind experiment (test only), with SHA256SUMS."""
    import hashlib

    files = {}
    seqs = [plant(s, 40, SITE) if i % 2 == 0 else s for i, s in enumerate(at_background(rng, 40))]
    for split in ("train", "test"):
        lines = [
            f">chr1:{i}-{i + 100} {s} 1\nchr1:{i}-{i + 100}_shuf {s[::-1]} 0\n"
            for i, s in enumerate(seqs)
        ]
        files[f"zeng/wgEncodeZ/{split}.data"] = "".join(lines).encode()
    table = "FoldID\tEventID\tseq\tBound\n" + "".join(
        f"A\tseq_{i}\t{s}\t{(i + 1) % 2}\n" for i, s in enumerate(seqs)
    )
    files["deepbind/wgEncodeD/test.seq.gz"] = gzip.compress(table.encode())
    files["README.md"] = b"not a set\n"
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    sums = "".join(f"{hashlib.sha256(d).hexdigest()}  ./{n}\n" for n, d in files.items())
    (root / "SHA256SUMS").write_text(sums)
    return files


def test_fetch_keeps_the_layout_checks_every_file_and_lists_the_sets(tmp_path):
    src = tmp_path / "src"
    write_folder(src, np.random.default_rng(0))
    manifest = fetch_real_sequences(src.as_uri(), tmp_path / "out")
    assert manifest[["experiment", "source", "split"]].values.tolist() == [
        ["wgEncodeD", "deepbind", "test"],
        ["wgEncodeZ", "zeng", "test"],
        ["wgEncodeZ", "zeng", "train"],
    ]
    local = read_manifest(tmp_path / "out")
    assert all(pd.Series(local["path"]).map(lambda p: (tmp_path / "out" / p).exists()))
    assert not (tmp_path / "out" / "README.md").exists()  # not a set: not fetched
    # A file that does not match its listed sha256 is refused and not kept.
    (src / "zeng/wgEncodeZ/test.data").write_text("chr1:0-1 ACGT 1\n")
    with pytest.raises(DownloadError, match="sha256"):
        fetch_real_sequences(src.as_uri(), tmp_path / "again", retries=1)
    assert not (tmp_path / "again" / "zeng/wgEncodeZ/test.data").exists()
    assert not (tmp_path / "again" / "manifest.tsv").exists()


def test_manifest_needs_sets_and_one_training_source_per_experiment():
    with pytest.raises(ValueError, match="no sequence sets"):
        real_manifest({"README.md": "0" * 64, "deepbind/SOURCES.tsv": "0" * 64})
    with pytest.raises(ValueError, match="wgEncodeX has training sets from more than one source"):
        real_manifest(
            {
                "zeng/wgEncodeX/train.data": "a" * 64,
                "deepbind/wgEncodeX/train_positives.seq.gz": "b" * 64,
            }
        )


def test_both_set_formats_and_their_errors(tmp_path):
    files = write_folder(tmp_path, np.random.default_rng(1))
    zeng = read_real_set(tmp_path / "zeng/wgEncodeZ/test.data", "zeng")
    deepbind = read_real_set(tmp_path / "deepbind/wgEncodeD/test.seq.gz", "deepbind")
    for table in (zeng, deepbind):
        assert list(table.columns) == ["region", "sequence", "label"] and len(table) in (40, 80)
        assert set(table["label"]) == {0, 1} and (table["sequence"].str.len() == 101).all()
    assert deepbind["region"].iloc[1] == "seq_1" and deepbind["label"].iloc[:2].tolist() == [1, 0]
    bad = tmp_path / "bad.seq.gz"
    bad.write_bytes(files["deepbind/wgEncodeD/test.seq.gz"][:-20])
    with pytest.raises(ValueError, match=r"bad\.seq\.gz"):
        read_real_set(bad, "deepbind")
    bad.write_bytes(gzip.compress(b"FoldID\tEventID\tsequence\tBound\nA\tx\tACGT\t1\n"))
    with pytest.raises(ValueError, match=r"bad\.seq\.gz: missing DeepBind columns \['seq'\]"):
        read_real_set(bad, "deepbind")
    with pytest.raises(ValueError, match="unknown real-sequence source"):
        read_real_set(bad, "encode")


def test_instances_sets_counts_and_recentring(tmp_path):
    rng = np.random.default_rng(2)
    seqs = at_background(rng, 6)
    seqs[1], seqs[2] = plant(seqs[1], 10, SITE), plant(plant(seqs[2], 30, SITE_RC), 70, SITE)
    inst = motif_instances(seqs, "site", PWM)
    assert inst["n_instances"].tolist() == [0, 1, 2, 0, 0, 0]
    assert inst.loc[1, ["start", "end", "strand"]].tolist() == [10, 22, "+"]
    assert inst.loc[0, "start"] == -1 and np.isnan(inst.loc[0, "pvalue"])
    long = plant("A" * 300, 250, SITE)
    # Re-centred where the flanks allow: a 300-bp sequence, the instance at 250-262 (centre
    # 256) -> window 199-300 would pass the end, so it is shifted in to 199..300 = 199-300.
    assert recentre([long], [250], [262], 101) == [long[199:300]]
    assert recentre([long], [100], [112], 101) == [long[56:157]]
    assert recentre(seqs[1:2], [10], [22], 101) == seqs[1:2]  # 101 bp: as it is
    with pytest.raises(ValueError, match="shorter"):
        recentre(["ACGT"], [0], [2], 101)
    write_folder(tmp_path, rng)
    manifest = real_manifest(
        {
            p: "0" * 64
            for p in (
                "zeng/wgEncodeZ/train.data",
                "zeng/wgEncodeZ/test.data",
                "deepbind/wgEncodeD/test.seq.gz",
            )
        }
    ).assign(path=lambda t: [str(tmp_path / p) for p in t["path"]])
    sets = build_sets(manifest, {"wgEncodeZ": "site", "wgEncodeD": "site"}, _motifs())
    counts = fimo_counts(sets).set_index(["experiment", "split"])
    assert counts.loc[("wgEncodeZ", "train"), ["n_sequences", "n_pos", "n_pos_motif"]].tolist() == [
        80,
        40,
        20,
    ]
    assert counts.loc[("wgEncodeD", "test"), ["n_pos", "n_pos_motif"]].tolist() == [20, 20]
    assert (sets.loc[sets["label"] == 0, "n_instances"] == 0).all()  # negatives not scanned
    with pytest.raises(KeyError, match="wgEncodeD"):
        build_sets(manifest, {"wgEncodeZ": "site"}, _motifs())


def _motifs():
    from deepresolve.motifs.jaspar import MotifSet

    return MotifSet(["site"], ["site"], [PWM])


def _sets(rng):
    """Two experiments: X with a training set (30 positives with an instance, 10 without;
    the test set repeats one training positive), Y with a test set only."""
    rows = []
    pos = [plant(s, 20, SITE) for s in at_background(rng, 30)] + at_background(rng, 10)
    test = [plant(s, 50, SITE_RC) for s in at_background(rng, 8)] + [pos[0]] + at_background(rng, 4)
    for experiment, split, seqs in (("X", "train", pos), ("X", "test", test), ("Y", "test", test)):
        inst = motif_instances(seqs, "site", PWM)
        part = pd.concat(
            [
                pd.DataFrame(
                    {"region": [f"r{i}" for i in range(len(seqs))], "sequence": seqs, "label": 1}
                ),
                inst,
            ],
            axis=1,
        )
        neg = part.assign(
            label=0, region=part["region"] + "_n", n_instances=0, strand="", start=-1, end=-1
        )
        rows.append(
            pd.concat([part, neg]).assign(experiment=experiment, split=split, source="zeng")
        )
    return pd.concat(rows, ignore_index=True)


def test_retraining_sets_hold_instance_positives_and_their_shuffles():
    sets = _sets(np.random.default_rng(3))
    data = retrain_sets(sets, seed=5)
    assert set(data["experiment"]) == {"X"}  # Y has no training set
    train, test = data[data["split"] == "train"], data[data["split"] == "test"]
    assert len(train) == 60 and len(test) == 16  # 8 test positives: the repeat is dropped
    for part in (train, test):
        assert part["label"].tolist() == [1, 0] * (len(part) // 2)
        pos, neg = part["sequence"].iloc[0::2].tolist(), part["sequence"].iloc[1::2].tolist()
        assert all(SITE in p or SITE_RC in p for p in pos)
        assert all(dinucs(p) == dinucs(n) for p, n in zip(pos, neg, strict=True))
    assert not set(test["sequence"].iloc[0::2]) & set(train["sequence"].iloc[0::2])
    pd.testing.assert_frame_equal(data, retrain_sets(sets, seed=5))  # seeded
    capped = cap_positives(data, 10, seed=1)
    ctrain = capped[capped["split"] == "train"]
    assert len(ctrain) == 20 and ctrain["label"].tolist() == [1, 0] * 10
    assert (
        ctrain["region"].iloc[1::2].to_numpy() == (ctrain["region"].iloc[0::2] + "_shuf").to_numpy()
    ).all()
    assert len(capped[capped["split"] == "test"]) == 16 and cap_positives(data, None, 1) is data


def test_auc_tables_split_by_motif_and_strand():
    sets = _sets(np.random.default_rng(4))
    sets = sets[sets["split"] == "test"].reset_index(drop=True)
    # Logit: 2 for a positive with an instance, 0.5 for one without, 1 for a negative.
    logits = np.where(sets["label"] == 0, 1.0, np.where(sets["n_instances"] > 0, 2.0, 0.5))
    table = auc_table(sets, logits)
    assert list(table.columns) == [
        "experiment",
        "source",
        "split",
        "n_pos",
        "n_neg",
        "n_pos_motif",
        "auc_all",
        "auc_motif",
    ]
    row = table.set_index("experiment").loc["X"]
    assert (row["n_pos"], row["n_neg"], row["n_pos_motif"]) == (13, 13, 9)
    assert row["auc_motif"] == 1.0 and row["auc_all"] == pytest.approx(9 / 13)
    strand = strand_auc(sets, logits).set_index("experiment").loc["X"]
    assert (strand["n_plus"], strand["n_minus"]) == (1, 8) and strand["auc_minus"] == 1.0


def test_top_hits_retrain_table_and_findings():
    ofiv = np.array([[0.1, 0.9, 0.5, 0.0], [0.3, 0.2, 0.1, 0.0]])
    pvalues = np.array([[0.5, 0.9, 0.01, 0.001], [0.2, 0.3, 0.4, 0.001]])
    top = top_filter_hits(["a", "b"], ofiv, pvalues, k=2, threshold=0.05)
    assert top["top_filters"].tolist() == ["1;2", "0;1"]
    assert top["top_pvalue"].tolist() == [0.01, 0.2] and top["hit"].tolist() == [True, False]
    auc = pd.DataFrame({"experiment": ["a", "b"], "n_train": [1500, 200], "n_test": [300, 40],
                        "auc_retrained": [0.99, 0.55], "auc_authors": [0.995, 0.97]})  # fmt: skip
    both = pd.concat([top.assign(model="retrained"), top.assign(model="authors")])
    table = retrain_table(auc, both, k=2)
    assert list(table.columns) == [
        "experiment", "n_train", "n_test", "auc_retrained", "auc_authors",
        "top2_hit_retrained", "top2_hit_authors",
    ]  # fmt: skip
    with pytest.raises(KeyError, match="authors"):
        retrain_table(auc, top.assign(model="retrained"), k=2)
    authors_auc = pd.DataFrame(
        {
            "experiment": ["wgEncodeAwgTfbsBroadDnd41CtcfUniPk"],
            "source": ["zeng"],
            "auc_all": [0.8772],
        }
    )
    strand = pd.DataFrame(
        {
            "n_plus": [200, 50],
            "n_minus": [200, 50],
            "auc_plus": [0.99, 0.9],
            "auc_minus": [0.985, 0.99],
        }
    )
    findings = real_findings(authors_auc, strand, table, k=2, max_gap=0.02, min_train=1000)
    assert list(findings.columns) == ["finding", "measured", "paper", "where", "holds", "verdict"]
    assert findings["holds"].tolist() == [True, True, True]  # b (200 positives) is not judged
    findings = real_findings(
        authors_auc.assign(auc_all=0.85), strand, table.assign(auc_retrained=0.9), k=2
    )
    assert findings["holds"].tolist() == [False, True, False]
