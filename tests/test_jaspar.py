import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from deepresolve.motifs.jaspar import (
    MOTIF_MAP_RELEASES,
    MotifSet,
    experiment_motifs,
    load_jaspar,
    read_meme,
    write_meme,
)
from deepresolve.motifs.pwm import filter_pwms

REPO = Path(__file__).resolve().parents[1]
MOTIF_MAP = REPO / "resources" / "tfpanel" / "experiments.tsv"
EXPERIMENT_LIST = REPO.parent / "shared" / "docs" / "deepresolve-422-experiments.txt"


def consensus(pwm):
    return "".join("ACGT"[i] for i in pwm.argmax(axis=0))


def test_load_jaspar_2014_core_vertebrates():
    motifs = load_jaspar()
    assert len(motifs) == 205  # latest versions of JASPAR2014 CORE vertebrates
    assert motifs.ids == sorted(motifs.ids, key=lambda i: (i.split(".")[0], int(i.split(".")[1])))
    assert len(set(motifs.ids)) == 205
    for pwm in motifs.pwms:
        assert pwm.shape[0] == 4 and np.allclose(pwm.sum(axis=0), 1.0) and pwm.min() >= 0
    # MA0004.1 Arnt: counts C16/A19/C20/G20/T20/G20 -> CACGTG, first column 4 A : 16 C
    assert motifs.name_of("MA0004.1") == "Arnt"
    assert consensus(motifs.by_id("MA0004.1")) == "CACGTG"
    assert np.allclose(motifs.by_id("MA0004.1")[:, 0], [0.2, 0.8, 0.0, 0.0])
    assert motifs.by_id("MA0139.1").shape == (4, 19) and motifs.name_of("MA0139.1") == "CTCF"
    # a fresh copy each call: editing one result does not leak into the next
    motifs.pwms[0][:] = 0.25
    assert not np.allclose(load_jaspar().pwms[0], 0.25)


def test_load_jaspar_other_releases_and_errors():
    assert len(load_jaspar(release="JASPAR2016")) == 519
    all_versions = load_jaspar(latest_only=False)
    assert len(all_versions) > 205 and {"MA0002.1", "MA0002.2"} <= set(all_versions.ids)
    with pytest.raises(ValueError, match="JASPAR1999"):
        load_jaspar(release="JASPAR1999")
    with pytest.raises(ValueError, match="no JASPAR motifs"):
        load_jaspar(tax_group="martians")


def test_motifset_validation_subset_and_from_arrays():
    rng = np.random.default_rng(0)
    pwms = filter_pwms(rng.normal(size=(3, 4, 7)))
    ms = MotifSet.from_arrays(pwms, prefix="filter")
    assert ms.ids == ["filter_0", "filter_1", "filter_2"] and ms.names == ms.ids and len(ms) == 3
    sub = ms.subset(["filter_2", "filter_0"])
    assert sub.ids == ["filter_2", "filter_0"] and np.array_equal(sub.pwms[0], pwms[2])
    assert [motif_id for motif_id, _, _ in ms] == ms.ids
    with pytest.raises(KeyError, match="filter_9"):
        ms.subset(["filter_9"])
    with pytest.raises(KeyError, match="nope"):
        ms.by_id("nope")
    # rounding in motif files (columns off by < 1e-3) is renormalised
    rounded = np.round(pwms[0], 3)
    fixed = MotifSet(["a"], ["a"], [rounded]).pwms[0]
    assert np.allclose(fixed.sum(axis=0), 1.0, atol=1e-12)

    good = pwms[0]
    with pytest.raises(ValueError, match="as many"):
        MotifSet(["a", "b"], ["a"], [good, good])
    with pytest.raises(ValueError, match="duplicate"):
        MotifSet(["a", "a"], ["x", "y"], [good, good])
    with pytest.raises(ValueError, match="whitespace"):
        MotifSet(["a b"], ["x"], [good])
    with pytest.raises(ValueError, match=r"shape \(4, L>=1\)"):
        MotifSet(["a"], ["x"], [good.T])
    with pytest.raises(ValueError, match="negative"):
        MotifSet(["a"], ["x"], [good - 0.5])
    with pytest.raises(ValueError, match="sums to"):
        MotifSet(["a"], ["x"], [good * 2])


def test_meme_round_trip(tmp_path):
    jaspar = load_jaspar().subset(["MA0004.1", "MA0139.1", "MA0489.1"])
    path = tmp_path / "m.meme"
    write_meme(path, jaspar)
    text = path.read_text()
    assert "MOTIF MA0489.1 JUN_(var.2)" in text and "ALPHABET= ACGT" in text
    back = read_meme(path)
    assert back.ids == jaspar.ids
    assert back.names == ["Arnt", "CTCF", "JUN_(var.2)"]
    for a, b in zip(back.pwms, jaspar.pwms, strict=True):
        assert a.shape == b.shape and np.allclose(a, b, atol=1e-9)
    assert not list(tmp_path.glob(".m.meme*"))  # atomic write leaves no temporary


def test_read_meme_errors(tmp_path):
    empty = tmp_path / "empty.meme"
    empty.write_text("MEME version 4\n\nALPHABET= ACGT\n")
    with pytest.raises(ValueError, match="no motifs"):
        read_meme(empty)
    bad = tmp_path / "bad.meme"
    bad.write_text("MOTIF x\nletter-probability matrix: alength= 4 w= 2\n0.5 0.5 0 0\n2 0 0 0\n")
    with pytest.raises(ValueError, match="bad.meme"):
        read_meme(bad)
    with pytest.raises(ValueError, match="no motifs"):
        write_meme(tmp_path / "none.meme", MotifSet([], [], []))


def parse_experiment(name):
    """ENCODE uniform TFBS name -> (lab, cell, factor token with antibody/treatment)."""
    core = re.fullmatch(r"wgEncodeAwgTfbs(\w+)UniPk", name).group(1)
    tokens = re.findall(r"[A-Z][^A-Z]*", core)
    return tokens[0], tokens[1], tokens[2]


def test_experiment_motif_table_is_consistent():
    table = pd.read_csv(MOTIF_MAP, sep="\t", dtype=str, keep_default_na=False)
    assert len(table) == 422 and table["experiment"].is_unique
    assert table["tf"].nunique() == 86
    if EXPERIMENT_LIST.exists():
        listed = [x.strip() for x in EXPERIMENT_LIST.read_text().split() if x.strip()]
        assert table["experiment"].tolist() == listed
    for row in table.itertuples():
        lab, cell, token = parse_experiment(row.experiment)
        assert (row.lab, row.cell) == (lab, cell) and token.startswith(row.factor)
    for release in MOTIF_MAP_RELEASES:
        motifs = load_jaspar(release=release)
        mapped = experiment_motifs(MOTIF_MAP, release=release)
        assert mapped.columns.tolist() == ["experiment", "tf", "jaspar_id", "jaspar_name", "match"]
        assert mapped["experiment"].tolist() == table["experiment"].tolist()
        for row in mapped.itertuples():
            if row.match == "none":
                assert row.jaspar_id == "" and row.jaspar_name == ""
                continue
            assert motifs.name_of(row.jaspar_id) == row.jaspar_name
            parts = [p.upper() for p in row.jaspar_name.split("::")]
            if row.match == "exact":
                assert row.jaspar_name.upper() == row.tf
                # the TF's only motif in the release (no "(var.2)" duplicates for it)
                same = [n for n in motifs.names if n.upper().split(" ")[0] == row.tf]
                assert len(same) == 1 or row.tf in ("JUN", "JUND")
            elif row.match == "dimer":
                assert row.tf in parts and len(parts) == 2
            else:
                assert row.match == "paralog" and release == "JASPAR2014"
    # jaspar_ids: the motif for JASPAR2014, the release the configs use (empty for ZBTB7A)
    assert (table["jaspar_ids"] == table["jaspar2014_id"]).all()
    counts = {
        r: experiment_motifs(MOTIF_MAP, r)["match"].value_counts().to_dict()
        for r in MOTIF_MAP_RELEASES
    }
    assert counts["JASPAR2016"] == {"exact": 416, "dimer": 6}
    assert counts["JASPAR2014"]["exact"] == 397 and counts["JASPAR2014"]["none"] == 2


def test_experiment_motifs_errors(tmp_path):
    with pytest.raises(ValueError, match="JASPAR2020"):
        experiment_motifs(MOTIF_MAP, release="JASPAR2020")
    table = pd.read_csv(MOTIF_MAP, sep="\t", dtype=str, keep_default_na=False)
    short = tmp_path / "short.tsv"
    table.drop(columns="jaspar2014_id").to_csv(short, sep="\t", index=False)
    with pytest.raises(KeyError, match="jaspar2014_id"):
        experiment_motifs(short)
    dup = tmp_path / "dup.tsv"
    pd.concat([table, table.iloc[:1]]).to_csv(dup, sep="\t", index=False)
    with pytest.raises(ValueError, match="duplicate experiment"):
        experiment_motifs(dup)


@pytest.mark.skipif(not EXPERIMENT_LIST.exists(), reason="shared/docs not present")
def test_experiment_table_is_what_its_script_builds():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_experiments", MOTIF_MAP.with_name("make_experiments.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    listed = [x.strip() for x in EXPERIMENT_LIST.read_text().split() if x.strip()]
    built = module.build(listed)
    table = pd.read_csv(MOTIF_MAP, sep="\t", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(built.astype(str), table)
    with pytest.raises(ValueError, match="cannot parse"):
        module.build(["CTCF"])
