import collections

import numpy as np
import pandas as pd
import pytest

from deepresolve.sequences import (
    decode,
    dinucleotide_shuffle,
    one_hot,
    random_sequences,
    read_fasta,
    read_zeng,
    reverse_complement,
    write_zeng,
)


def test_one_hot_round_trip_and_reverse_complement():
    x = one_hot(["ACGTN", "ggcat"])
    assert x.shape == (2, 4, 5) and x.dtype == np.float32
    assert x[0, :, 4].sum() == 0
    assert decode(x) == ["ACGTN", "GGCAT"]
    assert decode(reverse_complement(x)) == ["NACGT", "ATGCC"]
    with pytest.raises(ValueError, match="equal length"):
        one_hot(["ACG", "AC"])


def dinucleotides(s):
    return collections.Counter(s[i : i + 2] for i in range(len(s) - 1))


def test_dinucleotide_shuffle_preserves_dinucleotides_and_is_seeded():
    seqs = random_sequences(20, 60, np.random.default_rng(0))
    x = one_hot(seqs)
    shuffled = decode(dinucleotide_shuffle(x, np.random.default_rng(1)))
    again = decode(dinucleotide_shuffle(x, np.random.default_rng(1)))
    assert shuffled == again
    for a, b in zip(seqs, shuffled, strict=True):
        assert dinucleotides(a) == dinucleotides(b) and a[0] == b[0] and a[-1] == b[-1]
    assert sum(a != b for a, b in zip(seqs, shuffled, strict=True)) >= 18


def test_zeng_format_round_trip_and_errors(tmp_path):
    df = pd.DataFrame(
        {"region": ["chr1:0-5", "chr2:10-15"], "sequence": ["ACGTA", "TTTTG"], "label": [1, 0]}
    )
    path = tmp_path / "train.data"
    write_zeng(path, df)
    assert path.read_text().splitlines()[0] == "chr1:0-5 ACGTA 1"
    back = read_zeng(path)
    pd.testing.assert_frame_equal(back, df.astype({"label": np.int8}))
    (tmp_path / "bad.data").write_text("chr1:0-5 ACGTA 1\nchr1:5-10 ACGTA 2\n")
    with pytest.raises(ValueError, match=r"bad.data: line 2: label must be 0 or 1"):
        read_zeng(tmp_path / "bad.data")
    (tmp_path / "len.data").write_text("chr1:0-5 ACGTA 1\nchr1:5-10 ACG 0\n")
    with pytest.raises(ValueError, match="len.data: sequences have different lengths"):
        read_zeng(tmp_path / "len.data")


def test_read_fasta(tmp_path):
    (tmp_path / "a.fa").write_text(">s1\nacgt\nAC\n>s2\nGGGG\n")
    names, seqs = read_fasta(tmp_path / "a.fa")
    assert names == ["s1", "s2"] and seqs == ["ACGTAC", "GGGG"]
    (tmp_path / "empty.fa").write_text("")
    with pytest.raises(ValueError, match="empty.fa: no FASTA records"):
        read_fasta(tmp_path / "empty.fa")
