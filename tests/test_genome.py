"""Genome FASTA through pyfaidx (plain and bgzip) and narrowPeak files: content read
right, and a corrupt or truncated file gives an error naming it and leaves nothing."""

import gzip

import numpy as np
import pandas as pd
import pytest

from deepresolve.genome import (
    bgzip_fasta,
    chrom_sizes,
    fetch_sequences,
    index_genome,
    open_genome,
    read_narrowpeak,
)

RNG = np.random.default_rng(0)
CHROMS = {"chr1": "".join(RNG.choice(list("ACGT"), 5000)), "chr2": "ACGTN" * 300}


def write_fasta(path, chroms=CHROMS, width=60):
    with open(path, "w") as fh:
        for name, seq in chroms.items():
            fh.write(
                f">{name}\n"
                + "\n".join(seq[i : i + width] for i in range(0, len(seq), width))
                + "\n"
            )
    return path


def files(folder):
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("kind", ["plain", "bgzip"])
def test_genome_reads_intervals_from_disk(tmp_path, kind):
    path = write_fasta(tmp_path / "g.fa")
    if kind == "bgzip":
        with open(path, "rb") as src, gzip.open(tmp_path / "g.fa.gz", "wb") as dst:
            dst.write(src.read())  # plain gzip, as UCSC publishes
        path = bgzip_fasta(tmp_path / "g.fa.gz", tmp_path / "g.bgzf.fa.gz")
        assert path.read_bytes()[12:14] == b"BC"  # a BGZF block header
    genome = open_genome(path)
    assert chrom_sizes(genome) == {"chr1": 5000, "chr2": 1500}
    suffixes = [".fai", ".gzi"] if kind == "bgzip" else [".fai"]
    assert all((tmp_path / f"{path.name}{s}").exists() for s in suffixes)
    intervals = pd.DataFrame(
        {"chrom": ["chr1", "chr1", "chr2"], "start": [0, 4990, 3], "end": [7, 5000, 9]}
    )
    assert fetch_sequences(genome, intervals) == [
        CHROMS["chr1"][:7], CHROMS["chr1"][4990:], CHROMS["chr2"][3:9]
    ]  # fmt: skip
    with pytest.raises(ValueError, match="runs off chr1"):
        fetch_sequences(genome, pd.DataFrame({"chrom": ["chr1"], "start": [4995], "end": [5001]}))
    with pytest.raises(KeyError, match="chrX"):
        fetch_sequences(genome, pd.DataFrame({"chrom": ["chrX"], "start": [0], "end": [1]}))


def test_truncated_or_corrupt_genomes_are_named_and_leave_nothing(tmp_path):
    write_fasta(tmp_path / "g.fa")
    bgz = bgzip_fasta(tmp_path / "g.fa", tmp_path / "g.bgzf.fa.gz")
    (tmp_path / "cut.fa.gz").write_bytes(bgz.read_bytes()[: bgz.stat().st_size // 2])
    before = files(tmp_path)
    with pytest.raises(ValueError, match=r"cut\.fa\.gz: truncated, corrupt or not a FASTA"):
        open_genome(tmp_path / "cut.fa.gz")
    assert files(tmp_path) == before
    # Plain gzip cannot be read at random positions: said so, with the way out.
    with gzip.open(tmp_path / "plain.fa.gz", "wt") as fh:
        fh.write(">chr1\nACGT\n")
    before = files(tmp_path)
    with pytest.raises(ValueError, match=r"plain\.fa\.gz.*BGZF"):
        open_genome(tmp_path / "plain.fa.gz")
    assert files(tmp_path) == before
    (tmp_path / "ragged.fa").write_text(">chr1\nACGTACGT\nACG\nACGTACGT\n")
    before = files(tmp_path)
    with pytest.raises(ValueError, match=r"ragged\.fa"):
        index_genome(tmp_path / "ragged.fa")
    assert files(tmp_path) == before  # no index left behind
    # A truncated download is refused before anything is written.
    (tmp_path / "cut.gz").write_bytes((tmp_path / "plain.fa.gz").read_bytes()[:-12])
    with pytest.raises(ValueError, match=r"cut\.gz: truncated or corrupt"):
        bgzip_fasta(tmp_path / "cut.gz", tmp_path / "out.fa.gz")
    (tmp_path / "notfasta.txt").write_text("hello\n")
    with pytest.raises(ValueError, match=r"notfasta\.txt: not a FASTA"):
        bgzip_fasta(tmp_path / "notfasta.txt", tmp_path / "out.fa.gz")
    assert not (tmp_path / "out.fa.gz").exists()
    assert not [n for n in files(tmp_path) if n.startswith(".")]  # no temporary files


NARROWPEAK = (
    "chr1\t100\t250\t.\t1000\t.\t35.1\t-1\t4.2\t75\nchr2\t10\t40\tp2\t500\t.\t8.0\t-1\t2.0\t15\n"
)


@pytest.mark.parametrize("compressed", [False, True])
def test_narrowpeak_is_read_with_integer_coordinates(tmp_path, compressed):
    path = tmp_path / ("p.narrowPeak.gz" if compressed else "p.narrowPeak")
    data = NARROWPEAK.encode()
    path.write_bytes(gzip.compress(data) if compressed else data)
    peaks = read_narrowpeak(path)
    assert peaks[["chrom", "start", "end", "peak"]].values.tolist() == [
        ["chr1", 100, 250, 75], ["chr2", 10, 40, 15]
    ]  # fmt: skip
    assert peaks["signal"].tolist() == [35.1, 8.0]


@pytest.mark.parametrize(
    "content, message",
    [
        (
            gzip.compress(NARROWPEAK.encode() * 50, mtime=0)[:-30],
            "not a readable narrowPeak",
        ),  # truncated
        (b"\x1f\x8b\x08\x00garbage", "not a readable narrowPeak"),
        (b"chr1\t100\t250\n", "3 columns"),
        (
            NARROWPEAK.replace("250", "2.5e2").encode(),
            "line 1: start, end and peak must be integers",
        ),
        (NARROWPEAK.replace("\t40\t", "\t10\t").encode(), "line 2: need 0 <= start < end"),
        (b"", "no peaks"),
    ],
)
def test_bad_narrowpeak_is_named(tmp_path, content, message):
    path = tmp_path / "bad.narrowPeak.gz"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=rf"bad\.narrowPeak\.gz: {message}"):
        read_narrowpeak(path)
