"""TF-panel data: simulated experiments, real peaks centred on their motif, experiment
tables, janggu's wheel."""

import hashlib
import zipfile
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from deepresolve.download import DownloadError
from deepresolve.paper.tfpanel import data as tfdata
from deepresolve.paper.tfpanel.data import (
    best_match_starts,
    fetch_janggu_wheel,
    jaspar_ids,
    load_split,
    peaks_experiment,
    read_experiments,
    read_wheel_fasta,
    sample_instances,
    simulate_experiment,
    split_pairs,
)
from deepresolve.sequences import decode, one_hot

# A sharp 8-bp motif, GATTACAG with 0.9 per column.
CONSENSUS = "GATTACAG"
PWM = np.full((4, 8), 0.1 / 3)
for j, b in enumerate(CONSENSUS):
    PWM[:, j] = 0.1 / 3
    PWM["ACGT".index(b), j] = 0.9


def dinucs(s):
    return Counter(s[i : i + 2] for i in range(len(s) - 1))


def test_sample_instances_follow_the_pwm_on_both_strands():
    codes = sample_instances(PWM, 4000, np.random.default_rng(0))
    seqs = decode(np.eye(4)[codes].transpose(0, 2, 1))
    fwd = np.mean([s == CONSENSUS for s in seqs])
    rc = np.mean([s == "CTGTAATC" for s in seqs])
    assert abs(fwd - 0.5 * 0.9**8) < 0.03 and abs(rc - 0.5 * 0.9**8) < 0.03


def test_simulated_experiment_labels_shuffles_and_motif_fraction():
    rng = np.random.default_rng(1)
    df = simulate_experiment(PWM, 400, rng, length=101, motif_fraction=0.7, jitter=5)
    assert len(df) == 800 and df["label"].tolist()[:4] == [1, 0, 1, 0]
    assert (df["sequence"].str.len() == 101).all()
    pos, neg = df["sequence"][0::2].tolist(), df["sequence"][1::2].tolist()
    assert all(dinucs(p) == dinucs(n) for p, n in zip(pos, neg, strict=True))
    assert any(p != n for p, n in zip(pos, neg, strict=True))
    # The motif sits near the centre in about 70% of positives (exact match in 0.9^8 of those).
    x = one_hot(pos)
    start = best_match_starts(x, PWM)
    central = np.abs(start - (101 - 8) // 2) <= 5
    assert 0.6 < central.mean() < 0.85
    with pytest.raises(ValueError, match="motif_fraction"):
        simulate_experiment(PWM, 10, rng, motif_fraction=1.5)


def test_split_pairs_keeps_each_positive_with_its_shuffle():
    rng = np.random.default_rng(2)
    df = simulate_experiment(PWM, 50, rng, length=60, jitter=3)
    train, test = split_pairs(df, 0.2, rng)
    assert len(test) == 20 and len(train) == 80
    for part in (train, test):
        seqs = part["sequence"].tolist()
        assert part["label"].tolist() == [1, 0] * (len(part) // 2)
        assert all(dinucs(seqs[i]) == dinucs(seqs[i + 1]) for i in range(0, len(seqs), 2))
    assert not set(train["sequence"]) & set(test["sequence"])


def test_peaks_are_centred_on_their_best_motif_match():
    rng = np.random.default_rng(3)
    letters = np.array(list("ACGT"))
    peaks, where = [], rng.integers(0, 192, 30)
    for i, at in enumerate(where):
        s = list("".join(letters[rng.integers(0, 4, 200)]))
        s[at : at + 8] = CONSENSUS if i % 2 else "CTGTAATC"  # either strand
        peaks.append("".join(s).lower() if i == 0 else "".join(s))
    peaks.append("N" * 200)  # dropped
    df = peaks_experiment(peaks, PWM, rng, length=101, name="p")
    pos = df["sequence"][0::2].tolist()
    assert len(pos) == 30
    for s, at in zip(pos, where, strict=True):
        # Centred unless the peak end is within 50 bp; the motif is always kept.
        assert CONSENSUS in s or "CTGTAATC" in s
        if 50 <= at + 4 <= 150:
            found = s.find(CONSENSUS) if CONSENSUS in s else s.find("CTGTAATC")
            assert found == 50 - 4
    with pytest.raises(ValueError, match="shorter"):
        peaks_experiment(["ACGT" * 10], PWM, rng, length=101)


def test_read_experiments_and_errors(tmp_path):
    path = tmp_path / "e.tsv"
    path.write_text("experiment\ttf\tjaspar_ids\nA\tCTCF\tMA0139.1\nB\tJUN\tMA0488.1; MA0489.1\n")
    table = read_experiments(path)
    assert list(table.columns) == ["experiment", "tf", "jaspar_ids", "source"]
    assert jaspar_ids(table.iloc[1]) == ["MA0488.1", "MA0489.1"]
    path.write_text("experiment\tjaspar_ids\nA\t\n")  # no motif: an empty list
    assert jaspar_ids(read_experiments(path).iloc[0]) == []
    path.write_text("experiment\ttf\nA\tCTCF\n")
    with pytest.raises(ValueError, match=r"e\.tsv.*jaspar_ids"):
        read_experiments(path)
    path.write_text("experiment\tjaspar_ids\nA\tMA1\nA\tMA2\n")
    with pytest.raises(ValueError, match="duplicate"):
        read_experiments(path)


def test_wheel_fasta_and_janggu_checksum(tmp_path, monkeypatch):
    wheel = tmp_path / "janggu-0.10.2-py2.py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr("janggu/resources/sample.fa", ">a\nACGT\nAC\n>b\nGGGGTT\n")
    assert read_wheel_fasta(wheel, "janggu/resources/sample.fa") == ["ACGTAC", "GGGGTT"]
    with pytest.raises(KeyError, match="no member"):
        read_wheel_fasta(wheel, "missing.fa")
    # The fetch rule's download, on a local file: a wheel that is not janggu's is rejected
    # and nothing is left at the destination; one with the pinned sha256 is copied there.
    dest = tmp_path / "downloads" / "janggu" / wheel.name
    with pytest.raises(DownloadError, match="sha256"):
        fetch_janggu_wheel(dest, url=wheel.as_uri())
    assert not dest.exists() and not list(dest.parent.iterdir())
    monkeypatch.setattr(tfdata, "JANGGU_SHA256", hashlib.sha256(wheel.read_bytes()).hexdigest())
    assert fetch_janggu_wheel(dest, url=wheel.as_uri()) == dest
    assert dest.read_bytes() == wheel.read_bytes()


def test_load_split_stacks_zeng_files(tmp_path):
    from deepresolve.sequences import write_zeng

    rng = np.random.default_rng(4)
    paths = []
    for name, n in (("a", 20), ("b", 10)):
        df = simulate_experiment(PWM, n, rng, length=40, jitter=2, name=name)
        write_zeng(tmp_path / f"{name}.data", df)
        paths.append(tmp_path / f"{name}.data")
    data = load_split(paths, ["a", "b"])
    assert data.codes.shape == (2, 40, 40) and data.n.tolist() == [40, 20]
    assert data.labels[1, :20].tolist() == [1, 0] * 10
    assert pd.Series(data.codes[1, 20:].ravel()).eq(4).all()  # padding
