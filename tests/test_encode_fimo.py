"""The paper's TF-panel data (encode_fimo) on a genome and peaks written here: FIMO
instances overlapping the peaks -> exactly the right 101-bp windows, centred on the
instance, in genome orientation; dinucleotide shuffles; a split no window crosses."""

import gzip
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from deepresolve.genome import bgzip_fasta, open_genome, read_narrowpeak
from deepresolve.motifs.fimo import find_fimo
from deepresolve.paper.tfpanel.encode_fimo import (
    centred_windows,
    encode_fimo_experiment,
    experiment_rng,
    overlap_groups,
    peak_instances,
    scan_regions,
    split_groups,
)

SITE = "GGCGCCGGGCCG"  # G/C only, on an A/T-only background: no chance matches
SITE_RC = SITE[::-1].translate(str.maketrans("ACGT", "TGCA"))
PWM = np.full((4, len(SITE)), 0.01)
for j, b in enumerate(SITE):
    PWM["ACGT".index(b), j] = 0.97
W = len(SITE)

# (chrom, 0-based start, strand) of each planted instance, and where its window goes
PLANTED = {
    "A": ("chr1", 500, "+"),  # inside peak 1 (and its duplicate)
    "B": ("chr1", 1000, "-"),  # overlaps peak 2 by its last 4 bases
    "C": ("chr1", 1500, "+"),  # ends 8 bases before peak 3: not an instance
    "D": ("chr1", 1530, "+"),  # inside peak 3 ...
    "E": ("chr1", 1560, "-"),  # ... and so is E, whose window overlaps D's
    "F": ("chr1", 2980, "+"),  # in peak 4, window runs off chr1's end
    "H": ("chr1", 2300, "+"),  # in peak 5, window holds an N
    "I": ("chr2", 20, "+"),  # in peak 6, window runs off chr2's start
    "J": ("chr2", 600, "-"),  # inside peak 7
}
WINDOWED = ["A", "B", "D", "E", "J"]
PEAKS = [
    ("chr1", 450, 600), ("chr1", 450, 600), ("chr1", 1008, 1100), ("chr1", 1520, 1600),
    ("chr1", 2950, 3000), ("chr1", 2250, 2350), ("chr2", 0, 100), ("chr2", 550, 700),
]  # fmt: skip


def fixture_genome():
    rng = np.random.default_rng(7)
    chroms = {
        "chr1": list(rng.choice(list("AT"), 3000)),
        "chr2": list(rng.choice(list("AT"), 1000)),
    }
    for chrom, at, strand in PLANTED.values():
        chroms[chrom][at : at + W] = SITE if strand == "+" else SITE_RC
    chroms["chr1"][2260] = "N"
    return {k: "".join(v) for k, v in chroms.items()}


def write_genome(folder, kind):
    chroms = fixture_genome()
    plain = folder / "genome.fa"
    plain.write_text(
        "".join(
            f">{k}\n" + "\n".join(v[i : i + 70] for i in range(0, len(v), 70)) + "\n"
            for k, v in chroms.items()
        )
    )
    if kind == "plain":
        return plain, chroms
    with open(plain, "rb") as src, gzip.open(folder / "genome.fa.gz", "wb") as dst:
        dst.write(src.read())
    return bgzip_fasta(folder / "genome.fa.gz", folder / "genome.bgzf.fa.gz"), chroms


def write_peaks(path):
    lines = [
        f"{c}\t{s}\t{e}\tp{i}\t1000\t.\t10.0\t-1\t3.0\t{(e - s) // 2}\n"
        for i, (c, s, e) in enumerate(PEAKS)
    ]
    path.write_bytes(gzip.compress("".join(lines).encode()))
    return path


def dinucs(s):
    return Counter(s[i : i + 2] for i in range(len(s) - 1))


@pytest.mark.parametrize(
    "kind, backend", [("plain", "memelite"), ("bgzip", "memelite"), ("bgzip", "meme")]
)
def test_windows_are_exactly_the_instances_overlapping_peaks(tmp_path, kind, backend):
    if backend == "meme" and find_fimo() is None:
        pytest.skip("no MEME fimo binary (bash envs/build_meme.sh)")
    path, chroms = write_genome(tmp_path, kind)
    peaks = read_narrowpeak(write_peaks(tmp_path / "x.narrowPeak.gz"))
    data = encode_fimo_experiment(
        open_genome(path), peaks, "site", PWM, experiment_rng(0, "x"), backend=backend
    )
    # Instances: every planted one that overlaps a peak, once (the duplicate peak too).
    inst = data.instances.set_index(["chrom", "start"])
    expected = {k: v for k, v in PLANTED.items() if k != "C"}
    assert sorted(inst.index) == sorted((c, s) for c, s, _ in expected.values())
    for name, (chrom, at, strand) in expected.items():
        row = inst.loc[(chrom, at)]
        assert (row["end"], row["strand"]) == (at + W, strand), name
        fates = {"F": {"off_chromosome"}, "I": {"off_chromosome"}, "H": {"non_acgt"}}
        assert row["window"] in fates.get(name, {"train", "test"}), name
    assert data.counts == {
        "peaks": 8, "instances": 8, "off_chromosome": 2, "non_acgt": 1, "windows": 5,
        "overlap_groups": 4, "train_positives": data.counts["train_positives"],
        "test_positives": data.counts["test_positives"],
    }  # fmt: skip
    # Windows: 101 bp of the genome, forward strand, centred on the instance.
    positives = pd.concat([data.train, data.test])
    positives = positives[positives["label"] == 1]
    assert len(positives) == 5 and positives["region"].is_unique
    got = {}
    for region, seq in zip(positives["region"], positives["sequence"], strict=True):
        chrom, span = region.split(":")
        first, last = map(int, span.split("-"))  # 1-based, inclusive
        assert last - first + 1 == 101 and len(seq) == 101
        assert seq == chroms[chrom][first - 1 : last]
        got[(chrom, first - 1 + 50 - W // 2)] = seq  # where a centred instance starts
    for name in WINDOWED:
        chrom, at, strand = PLANTED[name]
        seq = got[(chrom, at)]
        assert seq[50 - W // 2 : 50 - W // 2 + W] == (SITE if strand == "+" else SITE_RC)
    # D and E overlap: same side of the split; both sides hold windows.
    side = {
        name: "test" if any(data.test["sequence"] == got[PLANTED[name][:2]]) else "train"
        for name in WINDOWED
    }
    assert side["D"] == side["E"]
    assert data.counts["train_positives"] + data.counts["test_positives"] == 5
    assert min(data.counts["train_positives"], data.counts["test_positives"]) >= 1
    # Negatives: one dinucleotide shuffle of each window, right after it.
    for part in (data.train, data.test):
        assert part["label"].tolist() == [1, 0] * (len(part) // 2)
        pos, neg = part["sequence"][0::2].tolist(), part["sequence"][1::2].tolist()
        assert all(dinucs(p) == dinucs(n) and p != n for p, n in zip(pos, neg, strict=True))
        assert (
            part["region"][1::2].to_numpy() == (part["region"][0::2] + "_shuf").to_numpy()
        ).all()


def test_instances_on_both_strands_of_a_palindrome_are_one(tmp_path):
    pal = "GGCCGGCCGGCC"  # its own reverse complement
    pwm = np.full((4, len(pal)), 0.01)
    for j, b in enumerate(pal):
        pwm["ACGT".index(b), j] = 0.97
    (tmp_path / "g.fa").write_text(">chr1\n" + "A" * 200 + pal + "T" * 200 + "\n")
    peaks = pd.DataFrame({"chrom": ["chr1"], "start": [150], "end": [260]})
    instances = peak_instances(open_genome(tmp_path / "g.fa"), peaks, "p", pwm)
    assert len(instances) == 1
    windows, off = centred_windows(instances, {"chr1": 412})
    assert off == 0 and windows[["start", "instance_start"]].values.tolist() == [[156, 200]]


def test_scan_regions_merge_peaks_and_reach_one_motif_width_minus_one_beyond():
    peaks = pd.DataFrame(
        {"chrom": ["c", "c", "c", "c"], "start": [10, 30, 50, 95], "end": [30, 40, 60, 100]}
    )
    regions = scan_regions(peaks, {"c": 100}, 5)
    # [10, 30) and [30, 40) touch: one core; [95, 100) is clipped at the chromosome end.
    assert regions.values.tolist() == [
        ["c", 6, 44, 10, 40], ["c", 46, 64, 50, 60], ["c", 91, 100, 95, 100]
    ]  # fmt: skip
    with pytest.raises(KeyError, match="chrZ"):
        scan_regions(peaks.assign(chrom="chrZ"), {"c": 100}, 5)
    clipped = scan_regions(peaks.assign(end=peaks["end"] + [0, 0, 0, 7]), {"c": 100}, 5)
    assert clipped.values.tolist() == regions.values.tolist()  # a peak past the end: clipped
    with pytest.raises(ValueError, match="starts past the end of c"):
        scan_regions(peaks, {"c": 95}, 5)


def test_split_never_puts_overlapping_windows_on_both_sides():
    rng = np.random.default_rng(3)
    starts = np.sort(rng.integers(0, 200_000, 3000))
    windows = pd.DataFrame(
        {"chrom": rng.choice(["chr1", "chr2"], 3000), "start": starts, "end": starts + 101}
    )
    groups = overlap_groups(windows)
    test = split_groups(groups, 0.2, np.random.default_rng(0))
    assert 0.2 <= test.mean() < 0.22
    for chrom in ("chr1", "chr2"):
        on = windows["chrom"] == chrom
        s, e, t = (
            windows["start"][on].to_numpy(),
            windows["end"][on].to_numpy(),
            test[on.to_numpy()],
        )
        overlap = (s[:, None] < e[None, :]) & (s[None, :] < e[:, None])
        assert not (overlap & (t[:, None] != t[None, :])).any()
    # Chains of overlaps are one group; windows that only touch are not.
    chain = pd.DataFrame(
        {"chrom": ["c"] * 4, "start": [0, 90, 180, 281], "end": [101, 191, 281, 382]}
    )
    assert overlap_groups(chain).tolist() == [0, 0, 0, 1]
    with pytest.raises(ValueError, match="test_fraction"):
        split_groups(groups, 1.0, rng)


@pytest.mark.slow
def test_workflow_builds_the_encode_fimo_source_from_local_downloads(tmp_path):
    """The tfpanel_encode_* and tfpanel_genome* rules of config/paper.yaml, run offline on
    file:// copies: md5sum.txt listings, two peak files, a gzipped genome."""
    import hashlib

    import yaml

    from deepresolve.motifs.jaspar import load_jaspar
    from deepresolve.sequences import read_zeng
    from tests.workflow import planned_jobs, snakemake

    jaspar = load_jaspar("JASPAR2016")
    motifs = {
        "wgEncodeAwgTfbsBroadDnd41CtcfUniPk": "MA0139.1",
        "wgEncodeAwgTfbsHaibGm12878NrsfPcr1xUniPk": "MA0138.2",
    }
    rng = np.random.default_rng(11)
    genome = {c: list(rng.choice(list("AT"), 20_000)) for c in ("chr1", "chr2")}
    peaks = {}
    for k, (experiment, motif) in enumerate(motifs.items()):
        site = "".join("ACGT"[i] for i in jaspar.by_id(motif).argmax(0))
        rows = []
        for i, chrom in enumerate(["chr1", "chr2"] * 3):
            at = 1000 + 3000 * i + 500 * k
            genome[chrom][at : at + len(site)] = site
            rows.append(f"{chrom}\t{at - 40}\t{at + 60}\tp{i}\t1000\t.\t9.0\t-1\t2.0\t50\n")
        peaks[experiment] = gzip.compress("".join(rows).encode())
    (tmp_path / "encode").mkdir()
    (tmp_path / "bigZips").mkdir()
    for experiment, data in peaks.items():
        (tmp_path / "encode" / f"{experiment}.narrowPeak.gz").write_bytes(data)
    fasta = "".join(f">{c}\n" + "".join(s) + "\n" for c, s in genome.items()).encode()
    (tmp_path / "bigZips" / "hg19.fa.gz").write_bytes(gzip.compress(fasta))
    for folder in ("encode", "bigZips"):
        sums = [
            f"{hashlib.md5(p.read_bytes()).hexdigest()}  {p.name}\n"
            for p in sorted((tmp_path / folder).iterdir())
        ]
        (tmp_path / folder / "md5sum.txt").write_text("".join(sums))
    columns = ["experiment", "tf"] + [
        f"jaspar{r}_{c}" for r in (2014, 2016) for c in ("id", "name", "match")
    ]
    rows = ["\t".join([e, "X", m, "X", "exact", m, "X", "exact"]) for e, m in motifs.items()]
    table = "\n".join(["\t".join(columns), *rows]) + "\n"
    (tmp_path / "experiments.tsv").write_text(table)
    results, downloads = tmp_path / "results", tmp_path / "downloads"
    extra = tmp_path / "fixture.yaml"
    extra.write_text(
        yaml.safe_dump(
            {
                "results": str(results), "logs": str(tmp_path / "logs"),
                "downloads": str(downloads),
                "tfpanel": {
                    "sources": ["encode_fimo"], "jaspar_release": "JASPAR2016",
                    "experiments_table": str(tmp_path / "experiments.tsv"),
                    "encode_fimo": {
                        "peaks_url": (tmp_path / "encode").as_uri(),
                        "genome_url": (tmp_path / "bigZips" / "hg19.fa.gz").as_uri(),
                    },
                },
            }
        )
    )  # fmt: skip
    target = str(results / "tfpanel" / "data" / "encode_fimo.tsv")
    jobs = planned_jobs("--configfile", str(extra), "--", target)
    assert jobs == {
        "tfpanel_encode_md5sums": 1, "tfpanel_encode_peaks": 2, "tfpanel_genome_md5sums": 1,
        "tfpanel_genome_download": 1, "tfpanel_genome": 1, "tfpanel_encode_windows": 2,
        "tfpanel_encode_table": 1,
    }  # fmt: skip
    snakemake("--cores", "2", "--nolock", "--configfile", str(extra), "--", target)
    built = pd.read_csv(target, sep="\t")
    assert built["experiment"].tolist() == list(motifs) and (built["source"] == "encode_fimo").all()
    assert (built["jaspar_ids"] == list(motifs.values())).all()
    assert (built["peaks"] == 6).all() and (built["instances"] >= 6).all()
    assert (built["windows"] == built["train_positives"] + built["test_positives"]).all()
    for experiment, motif in motifs.items():
        site = "".join("ACGT"[i] for i in jaspar.by_id(motif).argmax(0))
        folder = results / "tfpanel" / "data" / "encode_fimo" / experiment
        data = pd.concat([read_zeng(folder / "train.data"), read_zeng(folder / "test.data")])
        positives = data.loc[data["label"] == 1, "sequence"]
        assert len(positives) == built.set_index("experiment").loc[experiment, "windows"]
        centred = positives.str.slice(50 - len(site) // 2, 50 - len(site) // 2 + len(site))
        assert (centred == site).sum() == 6  # every planted instance, centred
    # The genome as downloaded was removed once bgzipped; the indexed bgzip stays.
    assert sorted(p.name for p in (downloads / "genome").iterdir()) == [
        "hg19.bgzf.fa.gz", "hg19.bgzf.fa.gz.fai", "hg19.bgzf.fa.gz.gzi", "md5sum.txt"
    ]  # fmt: skip
    assert planned_jobs("--configfile", str(extra), "--", target) == {}
