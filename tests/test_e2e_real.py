"""config/real.yaml on the shared real ChIP-seq sets (file://) and the authors' models
from their local mirror: both tables and the findings, checked for content. The retrained
CNNs see at most 1,000 instance-holding training positives each, to keep the run short."""

import gzip

import numpy as np
import pandas as pd
import pytest
import yaml

from deepresolve.paper.reference import FINDING_COLUMNS
from deepresolve.paper.tfpanel.real import README_AUC_ALL, README_DEEPBIND_MEDIAN
from tests.authors_mirror import MIRROR, needs_mirror
from tests.real_sequences import REAL, needs_real
from tests.workflow import planned_jobs, snakemake

pytestmark = [pytest.mark.slow, needs_mirror, needs_real]
CAP = 1000


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    base = tmp_path_factory.mktemp("real")
    extra = base / "real.yaml"
    extra.write_text(
        yaml.safe_dump(
            {
                "results": str(base / "results"), "logs": str(base / "logs"),
                "real_sequences": REAL.as_uri(),
                "authors_models_url": (MIRROR / "models").as_uri(),
                "real": {"max_train_positives": CAP},
            }
        )
    )  # fmt: skip
    args = ("--configfile", "config/real.yaml", str(extra))
    snakemake("--cores", "2", "--nolock", *args)
    return base / "results", args


def tsv(path):
    return pd.read_csv(path, sep="\t")


def test_authors_models_on_every_real_test_set(run):
    results, _ = run
    table = tsv(results / "tables" / "authors_real_auc.tsv")
    assert list(table.columns) == [
        "experiment", "source", "split", "n_pos", "n_neg", "n_pos_motif", "auc_all", "auc_motif"
    ]  # fmt: skip
    # Every test set of the folder, whatever its name: 2 Zeng, 8 DeepBind.
    listed = [line.split()[1].split("/") for line in (REAL / "SHA256SUMS").read_text().splitlines()]
    tests = {(p[2], p[1]) for p in listed if len(p) == 4 and p[3] in ("test.data", "test.seq.gz")}
    assert set(zip(table["experiment"], table["source"], strict=True)) == tests
    assert (table["split"] == "test").all()
    deepbind = table[table["source"] == "deepbind"]
    assert (deepbind["n_pos"] == 500).all() and (deepbind["n_neg"] == 500).all()
    assert (table["n_pos_motif"] < table["n_pos"]).all() and (table["n_pos_motif"] > 0).all()
    # The all-positive AUCs that the data's README reports, within 0.01.
    auc = table.set_index(["experiment", "source"])["auc_all"]
    for key, ref in README_AUC_ALL.items():
        assert abs(auc[key] - ref) <= 0.01, key
    assert abs(np.median(deepbind["auc_all"]) - README_DEEPBIND_MEDIAN) <= 0.01
    # The models are near-perfect where an instance is present, on every set.
    assert (table["auc_motif"] > table["auc_all"]).all() and (table["auc_motif"] > 0.9).all()
    counts = tsv(results / "real" / "fimo_counts.tsv")
    merged = table.merge(counts[counts["split"] == "test"], on=["experiment", "source", "split"])
    assert (merged["n_pos_motif_x"] == merged["n_pos_motif_y"]).all()
    with gzip.open(results / "real" / "sets.tsv.gz", "rt") as fh:
        sets = pd.read_csv(fh, sep="\t", keep_default_na=False, na_values=[""])
    assert len(sets) == counts["n_sequences"].sum()


def test_retrained_cnn_matches_the_authors_model(run):
    results, _ = run
    table = tsv(results / "tables" / "real_retrain.tsv")
    assert list(table.columns) == [
        "experiment", "n_train", "n_test", "auc_retrained", "auc_authors",
        "top5_hit_retrained", "top5_hit_authors", "tomtom_backend", "tomtom_distance",
    ]  # fmt: skip
    assert (table["tomtom_backend"] == "memelite").all()
    counts = tsv(results / "real" / "fimo_counts.tsv")
    train = counts[counts["split"] == "train"].set_index("experiment")["n_pos_motif"]
    assert sorted(table["experiment"]) == sorted(
        train.index
    )  # every experiment with a training set
    assert (table["n_train"] == np.minimum(table["experiment"].map(train), CAP)).all()
    big = table[table["n_train"] >= 1000]
    assert len(big) >= 6
    assert ((big["auc_authors"] - big["auc_retrained"]).abs() <= 0.02).all(), big
    assert big["top5_hit_retrained"].all() and big["top5_hit_authors"].all()
    findings = tsv(results / "tables" / "real_findings.tsv")
    assert list(findings.columns) == FINDING_COLUMNS
    assert len(findings) == 5 and findings["holds"].all(), findings.to_string()
    assert (findings["verdict"] == "holds").all()
    assert planned_jobs(*run[1]) == {}
