"""FIMO (memelite and MEME's binary): planted instances found on both strands at the
right place, the same instances from both backends, MEME's pseudocount."""

import numpy as np
import pandas as pd
import pytest

from deepresolve.motifs.fimo import fimo, find_fimo, motif_pseudocount
from deepresolve.motifs.jaspar import MotifSet, load_jaspar
from tests.real_sequences import REAL, needs_real

CTCF = "MA0139.1"  # JASPAR2016, 19 bp


def consensus(pwm):
    return "".join("ACGT"[i] for i in np.argmax(pwm, axis=0))


def revcomp(s):
    return s[::-1].translate(str.maketrans("ACGT", "TGCA"))


@pytest.fixture(scope="module")
def planted():
    """30 random 150-bp sequences; sequence i carries CTCF's consensus at 10 + 3 i, on the
    minus strand for odd i; every fifth sequence carries none."""
    motifs = load_jaspar("JASPAR2016").subset([CTCF])
    site = consensus(motifs.pwms[0])
    rng = np.random.default_rng(0)
    seqs, truth = {}, []
    for i in range(30):
        s = list("".join(rng.choice(list("ACGT"), 150)))
        if i % 5:
            at, strand = 10 + 3 * i, "-" if i % 2 else "+"
            s[at : at + len(site)] = site if strand == "+" else revcomp(site)
            truth.append((f"s{i}", at, at + len(site), strand))
        seqs[f"s{i}"] = "".join(s)
    return motifs, seqs, truth


def strongest(hits):
    return set(
        map(tuple, hits[hits["pvalue"] < 1e-7][["sequence", "start", "end", "strand"]].values)
    )


def test_memelite_finds_the_planted_instances(planted):
    motifs, seqs, truth = planted
    hits = fimo(motifs, seqs)
    assert list(hits.columns) == ["motif", "sequence", "start", "end", "strand", "score", "pvalue"]
    assert (hits["pvalue"] < 1e-4).all() and (hits["motif"] == CTCF).all()
    assert strongest(hits) == set(truth)  # a consensus site scores p < 1e-7; chance never here
    first = hits.drop_duplicates("sequence")["sequence"].tolist()
    assert first == sorted(first, key=lambda n: int(n[1:]))  # input order


@pytest.mark.skipif(find_fimo() is None, reason="no MEME fimo binary (bash envs/build_meme.sh)")
def test_meme_binary_gives_the_same_instances(planted):
    motifs, seqs, truth = planted
    lite, meme = fimo(motifs, seqs, backend="memelite"), fimo(motifs, seqs, backend="meme")
    key = ["sequence", "start", "end", "strand"]
    assert set(map(tuple, meme[key].values)) == set(map(tuple, lite[key].values))
    assert strongest(meme) == set(truth)
    both = lite.merge(meme, on=key)
    np.testing.assert_allclose(both["score_x"], both["score_y"], atol=0.06)  # MEME rounds


@needs_real
@pytest.mark.skipif(find_fimo() is None, reason="no MEME fimo binary (bash envs/build_meme.sh)")
def test_backends_agree_on_real_peaks():
    """On 6,406 real NRSF training positives (REST motif) the two backends report the same
    instances up to the p-value discretisation at the threshold (observed: memelite 3,102,
    MEME 3,106, all of memelite's among MEME's)."""
    path = REAL / "deepbind" / "wgEncodeAwgTfbsHaibGm12878NrsfPcr1xUniPk" / "train_positives.seq.gz"
    seqs = pd.read_csv(path, sep="\t")["seq"].tolist()
    motifs = load_jaspar("JASPAR2016").subset(["MA0138.2"])
    key = ["sequence", "start", "strand"]
    lite = set(map(tuple, fimo(motifs, seqs, backend="memelite")[key].values))
    meme = set(map(tuple, fimo(motifs, seqs, backend="meme")[key].values))
    assert len(lite & meme) / len(lite | meme) > 0.99


def test_pseudocount_is_memes_and_arguments_are_checked():
    pwm = np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    p = motif_pseudocount(pwm)
    np.testing.assert_allclose(p[:, 0], [(20 + 0.025) / 20.1] + [0.025 / 20.1] * 3)
    np.testing.assert_allclose(p.sum(0), 1.0)
    motifs = MotifSet(["m"], ["m"], [pwm])
    with pytest.raises(ValueError, match="threshold"):
        fimo(motifs, ["ACGT"], threshold=0)
    with pytest.raises(ValueError, match="backend"):
        fimo(motifs, ["ACGT"], backend="homer")
    with pytest.raises(ValueError, match="whitespace"):
        fimo(motifs, {"a b": "ACGT"})
    assert fimo(motifs, {}).empty
