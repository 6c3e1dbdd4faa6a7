"""A reduced end-to-end run of config/authors.yaml: four of the authors' models from the
local mirror (file:// URL), through Snakemake, outputs checked for content."""

import numpy as np
import pandas as pd
import pytest
import yaml
from PIL import Image
from scipy.stats import spearmanr

import deepresolve
from deepresolve.motifs.tomtom import find_tomtom
from deepresolve.paper.tfpanel.filter_ranks import hits, ranked_pvalues
from tests.authors_mirror import MIRROR, REPO, needs_mirror
from tests.workflow import planned_jobs, snakemake

pytestmark = [
    pytest.mark.slow,
    needs_mirror,
    pytest.mark.skipif(find_tomtom() is None, reason="MEME tomtom binary not built"),
]

EXPERIMENTS = [
    "wgEncodeAwgTfbsBroadDnd41CtcfUniPk",  # stored half
    "wgEncodeAwgTfbsBroadH1hescCtcfUniPk",  # stored half
    "wgEncodeAwgTfbsSydhGm12891NfkbTnfaIggrabUniPk",  # stored half, 2 components there
    "wgEncodeAwgTfbsHaibK562Stat5asc74442V0422111UniPk",  # the other half
]
K = 16


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    base = tmp_path_factory.mktemp("authors")
    extra = base / "subset.yaml"
    extra.write_text(
        yaml.safe_dump(
            {
                "results": str(base / "results"),
                "logs": str(base / "logs"),
                "authors_models_url": (MIRROR / "models").as_uri(),
                "authors": {"experiments": EXPERIMENTS, "deepmotif": {"n_random": 2, "steps": 60}},
            }
        )
    )
    args = ("--configfile", "config/authors.yaml", str(extra))
    snakemake("--cores", "2", "--nolock", *args)
    return base / "results", args


def tsv(path):
    return pd.read_csv(path, sep="\t")


def test_ofiv_table_has_every_experiment_and_agrees_with_the_stored_results(run):
    results, _ = run
    table = tsv(results / "tables" / "authors_ofiv.tsv")
    columns = ["experiment", "n_components"]
    columns += [f"ofiv_{k}" for k in range(K)] + [f"il_{k}" for k in range(K)]
    assert list(table.columns) == columns
    assert list(table["experiment"]) == EXPERIMENTS
    assert table["n_components"].isin([1, 2, 3]).all()
    assert (table[[f"il_{k}" for k in range(K)]] >= 0).all().all()
    res = deepresolve.Resolution.load(results / "authors" / "resolution.npz")
    assert (res.params["optimizer"], res.params["init"], res.params["l2"]) == (
        "plain", "uniform", 2.8
    )  # fmt: skip
    np.testing.assert_allclose(table[[f"ofiv_{k}" for k in range(K)]], res.ofiv)
    stored = tsv(REPO / "resources" / "tfpanel" / "authors_stored_ofiv.tsv").set_index("experiment")
    for experiment in EXPERIMENTS[:2]:  # the CTCF models: the authors' ranking exactly
        ours = table.set_index("experiment").loc[experiment, [f"ofiv_{k}" for k in range(K)]]
        theirs = stored.loc[experiment, [f"ofiv_{k}" for k in range(K)]]
        assert spearmanr(ours, theirs).statistic > 0.98
        assert np.argmax(ours.to_numpy()) == np.argmax(theirs.to_numpy())
    calibration = tsv(results / "tables" / "authors_calibration.tsv").set_index("metric")
    per_model = tsv(results / "authors" / "calibration_per_model.tsv")
    assert list(per_model["experiment"]) == EXPERIMENTS[:3]
    assert float(calibration.loc["models compared (stored half)", "value"]) == 3
    assert float(calibration.loc["Spearman of OFIVs per model, median", "value"]) == pytest.approx(
        per_model["spearman"].median()
    )


def test_table1_counts_follow_from_the_per_filter_statistics(run):
    results, _ = run
    table = tsv(results / "tables" / "table1_authors.tsv")
    assert list(table["protocol"]) == ["authors"] * 2 + ["whole_collection"] * 2
    assert list(table["method"]) == ["DeepResolve", "enhanced_DeepMotif"] * 2
    assert (table["n_experiments"] == len(EXPERIMENTS)).all()
    ofiv = tsv(results / "tables" / "authors_ofiv.tsv")[[f"ofiv_{k}" for k in range(K)]].to_numpy()
    with np.load(results / "authors" / "motif_pvalues.npz") as f:
        assert list(f["names"]) == EXPERIMENTS
        stats = {p: (f[f"{p}_filters"], f[f"{p}_deepmotif"]) for p in ("own", "collection")}
    for protocol, key in (("authors", "own"), ("whole_collection", "collection")):
        filters, deepmotif = stats[key]
        assert filters.shape == (len(EXPERIMENTS), K)
        assert deepmotif.shape == (len(EXPERIMENTS), 3)  # n_random 2: 3 generated motifs
        rows = table[table["protocol"] == protocol].set_index("method")
        for method, ranked in (
            ("DeepResolve", ranked_pvalues(filters, ofiv)),
            ("enhanced_DeepMotif", deepmotif),
        ):
            for k in (1, 3, 5):
                for t in (0.5, 0.05):
                    assert rows.loc[method, f"top{k}<{t:g}"] == hits(ranked, k, t).sum()
    # Real models: the TF's own motif is among DeepResolve's top-5 filters.
    authors = table[(table["protocol"] == "authors") & (table["method"] == "DeepResolve")]
    assert int(authors["top5<0.5"].iloc[0]) >= 3
    experiments = tsv(results / "authors" / "experiments.tsv")
    assert list(experiments["jaspar_ids"][:2]) == ["MA0139.1", "MA0139.1"]  # CTCF


@pytest.mark.parametrize("name", ["figS1_authors", "figS5_authors"])
def test_figures_are_images(run, name):
    path = run[0] / "figures" / f"{name}.png"
    with Image.open(path) as img:
        w, h = img.size
        assert w > 800 and h > 300
        assert len(set(np.asarray(img.convert("L")).ravel().tolist())) > 20


def test_filter_information_table_and_nothing_left_to_do(run):
    results, args = run
    info = tsv(results / "authors" / "filter_information.tsv")
    assert len(info) == K * len(EXPERIMENTS)
    assert (info[["ic_positive_weights", "ic_negative_weights"]] >= 0).all().all()
    assert info["ofiv_rank"].between(1, K).all()
    assert planned_jobs(*args) == {}
