import numpy as np
import pytest

from deepresolve.motifs.jaspar import MotifSet, load_jaspar
from deepresolve.motifs.tomtom import (
    COLUMNS,
    best_matches,
    find_tomtom,
    match_pvalue,
    resolve_backend,
    tomtom,
)

HAS_MEME = find_tomtom() is not None
needs_meme = pytest.mark.skipif(not HAS_MEME, reason="MEME tomtom binary not built")


@pytest.fixture(scope="module")
def jaspar():
    return load_jaspar()


@pytest.fixture(scope="module")
def fragments(jaspar):
    """Columns 3..11 of CTCF (MA0139.1, 19 bp), forward and reverse-complemented, and
    columns 2..9 of GATA2 (MA0036.2)."""
    ctcf = jaspar.by_id("MA0139.1")
    rc = ctcf[::-1, ::-1]
    gata = jaspar.by_id("MA0036.2")
    return MotifSet(
        ["ctcf_fwd", "ctcf_rc", "gata"],
        ["ctcf", "ctcf rc", "gata"],
        [ctcf[:, 3:12], rc[:, 7:16], gata[:, 2:10]],
    )


def check_table(hits, queries, targets):
    assert hits.columns.tolist() == COLUMNS
    assert hits["query"].unique().tolist() == queries.ids
    for _, group in hits.groupby("query", sort=False):
        assert group["pvalue"].is_monotonic_increasing
        assert group["target"].is_unique
    assert set(hits["orientation"]) <= {"+", "-"}
    assert ((hits["pvalue"] >= 0) & (hits["pvalue"] <= 1)).all()
    assert (hits["overlap"] >= 1).all()
    names = dict(zip(targets.ids, targets.names, strict=True))
    assert (hits["target_name"] == hits["target"].map(names)).all()


def test_memelite_finds_the_source_motif_on_both_strands(jaspar, fragments):
    hits = tomtom(fragments, jaspar, backend="memelite")
    check_table(hits, fragments, jaspar)
    assert len(hits) == 3 * len(jaspar)  # thresh=1 reports every pair
    best = best_matches(hits).set_index("query")
    assert best.loc["ctcf_fwd", "target"] == "MA0139.1"
    assert best.loc["ctcf_rc", "target"] == "MA0139.1"
    # offset: target column aligned with query column 0 (MEME's convention)
    assert best.loc["ctcf_fwd", ["offset", "overlap", "orientation"]].tolist() == [3, 9, "+"]
    assert best.loc["ctcf_rc", ["offset", "overlap", "orientation"]].tolist() == [7, 9, "-"]
    assert best.loc["ctcf_fwd", "pvalue"] < 1e-10
    # the GATA fragment matches a GATA motif far better than CTCF
    gata_targets = [i for i, n in zip(jaspar.ids, jaspar.names, strict=True) if "GATA" in n.upper()]
    assert best.loc["gata", "target"] in gata_targets
    assert match_pvalue(hits, "gata", gata_targets) < 1e-4 < match_pvalue(hits, "gata", "MA0139.1")
    # E-value = p * number of targets; BH q-values are >= p-values
    assert np.allclose(hits["evalue"], hits["pvalue"] * len(jaspar))
    assert (hits["qvalue"] >= hits["pvalue"] - 1e-15).all()


def test_thresh_and_match_pvalue(jaspar, fragments):
    hits = tomtom(fragments, jaspar, backend="memelite", thresh=0.01)
    assert len(hits) >= 2 and (hits["qvalue"] <= 0.01).all()
    assert match_pvalue(hits, "ctcf_fwd", ["MA0139.1", "MA0004.1"]) < 1e-10
    assert match_pvalue(hits, "ctcf_fwd", "MA0004.1") == 1.0  # not reported -> 1
    assert match_pvalue(hits, "no_such_query", "MA0139.1") == 1.0


def test_bad_arguments(jaspar, fragments, tmp_path, monkeypatch):
    with pytest.raises(ValueError, match="backend"):
        tomtom(fragments, jaspar, backend="blast")
    with pytest.raises(ValueError, match="thresh"):
        tomtom(fragments, jaspar, thresh=0)
    with pytest.raises(ValueError, match="thresh"):
        tomtom(fragments, jaspar, thresh=1.5)
    with pytest.raises(ValueError, match="dist='ed'"):
        tomtom(fragments, jaspar, backend="memelite", dist="pearson")
    with pytest.raises(ValueError, match="0 queries"):
        tomtom(MotifSet([], [], []), jaspar, backend="memelite")
    with pytest.raises(TypeError):
        tomtom(fragments.pwms, jaspar)
    with pytest.raises(ValueError, match="by must be"):
        best_matches(tomtom(fragments, jaspar, backend="memelite"), by="score")
    monkeypatch.setenv("DEEPRESOLVE_TOMTOM", str(tmp_path / "missing"))
    with pytest.raises(ValueError, match="DEEPRESOLVE_TOMTOM"):
        find_tomtom()


def test_find_tomtom_env_and_failing_binary(jaspar, fragments, tmp_path, monkeypatch):
    fake = tmp_path / "tomtom"
    fake.write_text("#!/bin/sh\necho 'broken tomtom' >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setenv("DEEPRESOLVE_TOMTOM", str(fake))
    assert find_tomtom() == str(fake)
    with pytest.raises(RuntimeError, match="broken tomtom"):
        tomtom(fragments, jaspar, backend="auto")


@needs_meme
def test_meme_pearson_incomplete_finds_the_source_motif(jaspar, fragments):
    hits = tomtom(fragments, jaspar, backend="meme")  # the authors' settings
    check_table(hits, fragments, jaspar)
    assert len(hits) == 3 * len(jaspar)
    best = best_matches(hits).set_index("query")
    assert best.loc["ctcf_fwd", ["target", "offset", "orientation"]].tolist() == [
        "MA0139.1",
        3,
        "+",
    ]
    assert best.loc["ctcf_rc", ["target", "offset", "orientation"]].tolist() == [
        "MA0139.1",
        7,
        "-",
    ]
    assert best.loc["ctcf_fwd", "pvalue"] < 1e-8
    assert np.allclose(hits["evalue"], hits["pvalue"] * len(jaspar), rtol=1e-4)


@needs_meme
def test_memelite_agrees_with_meme_euclidean(jaspar, fragments):
    """memelite reproduces MEME's complete-score Euclidean TOMTOM: same best alignments,
    log10 p-values highly correlated (tails below 1e-8 differ in the approximation)."""
    lite = tomtom(fragments, jaspar, backend="memelite")
    meme = tomtom(
        fragments, jaspar, backend="meme", dist="ed", incomplete_scores=False, motif_pseudo=0.0
    )
    merged = lite.merge(meme, on=["query", "target"], suffixes=("_lite", "_meme"))
    assert len(merged) == len(lite) == len(meme)
    moderate = merged[merged["pvalue_meme"] > 1e-8]
    r = np.corrcoef(np.log10(moderate["pvalue_lite"]), np.log10(moderate["pvalue_meme"]))[0, 1]
    assert r > 0.99
    assert (best_matches(lite)["target"] == best_matches(meme)["target"]).all()
    top = merged[merged["target"] == "MA0139.1"].set_index("query")
    assert (top.loc[["ctcf_fwd", "ctcf_rc"], "offset_lite"] == [3, 7]).all()
    assert (top["offset_lite"] == top["offset_meme"]).all()


@needs_meme
def test_meme_parallel_chunks_give_the_same_table(jaspar, fragments):
    one = tomtom(fragments, jaspar, backend="meme", threads=1)
    two = tomtom(fragments, jaspar, backend="meme", threads=2)
    assert one.equals(two)


@pytest.mark.parametrize("backend", ["memelite", pytest.param("meme", marks=needs_meme)])
def test_query_ids_survive_both_backends(jaspar, backend):
    """Ids with '#', '|' or 'NA' (pandas' comment and missing-value markers) are kept."""
    ctcf = jaspar.by_id("MA0139.1")[:, 3:12]
    ids = ["exp|filters|3", "a#b", "NA"]
    hits = tomtom(MotifSet(ids, ids, [ctcf] * 3), jaspar, backend=backend)
    assert hits["query"].unique().tolist() == ids
    assert (best_matches(hits)["target"] == "MA0139.1").all()


@needs_meme
def test_meme_rejects_queries_it_would_skip(jaspar):
    wide = MotifSet(["wide"], ["wide"], [np.full((4, 101), 0.25)])
    with pytest.raises(ValueError, match="width <= 100"):
        tomtom(wide, jaspar, backend="meme")


def test_meme_output_missing_pairs_is_an_error(jaspar, fragments, tmp_path, monkeypatch):
    fake = tmp_path / "tomtom"
    header = "Query_ID\tTarget_ID\tOptimal_offset\tp-value\tE-value\tq-value\tOverlap"
    header += "\tQuery_consensus\tTarget_consensus\tOrientation"
    row = "ctcf_fwd\tMA0139.1\t3\t1e-10\t2e-08\t4e-08\t9\tCCC\tCCC\t+"
    fake.write_text(f"#!/bin/sh\nprintf '{header}\\n{row}\\n\\n# Tomtom 5.4.1\\n'\n")
    fake.chmod(0o755)
    monkeypatch.setenv("DEEPRESOLVE_TOMTOM", str(fake))
    with pytest.raises(RuntimeError, match="reported 1 of 3 x 205 pairs"):
        tomtom(fragments, jaspar, backend="meme")
    hits = tomtom(fragments, jaspar, backend="meme", thresh=0.5)  # fewer rows are fine
    assert hits[["query", "target", "offset", "orientation"]].values.tolist() == [
        ["ctcf_fwd", "MA0139.1", 3, "+"]
    ]


def test_resolve_backend_names_what_runs_and_the_fix(monkeypatch, caplog):
    import deepresolve.motifs.tomtom as tt

    monkeypatch.setattr(tt, "find_tomtom", lambda: None)  # no MEME anywhere
    with caplog.at_level("INFO", logger="deepresolve.motifs.tomtom"):
        assert resolve_backend("auto") == ("memelite", "ed")
    assert "'auto' chose memelite" in caplog.text  # never silent
    with pytest.raises(ValueError, match="make tomtom"):
        resolve_backend("meme")
    monkeypatch.setattr(tt, "find_tomtom", lambda: "/opt/meme/bin/tomtom")
    caplog.clear()
    with caplog.at_level("INFO", logger="deepresolve.motifs.tomtom"):
        assert resolve_backend("auto") == ("meme", "pearson")
    assert "/opt/meme/bin/tomtom" in caplog.text
    assert resolve_backend("meme", "ed") == ("meme", "ed")
    with pytest.raises(ValueError, match="dist='ed'"):
        resolve_backend("memelite", "pearson")
