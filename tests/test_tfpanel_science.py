"""The TF-panel finding on seeded simulated data: DeepResolve's top-ranked filters of
each trained model match the TF's own JASPAR motif (Table 1), as the baselines' do."""

import numpy as np
import pandas as pd
import pytest

import deepresolve
from deepresolve.motifs.jaspar import load_jaspar
from deepresolve.motifs.pwm import filter_pwms
from deepresolve.paper.tfpanel.data import known_motif_pvalues, simulate_experiment, split_pairs
from deepresolve.paper.tfpanel.filter_ranks import hits, ranked_pvalues
from deepresolve.paper.tfpanel.models import filter_weights, panel_head, tf_panel
from deepresolve.paper.tfpanel.panel import (
    PanelData,
    baseline_filter_scores,
    encode,
    fit_panel,
    panel_auc,
    panel_logits,
)
from deepresolve.training import TrainConfig

TFS = {"CTCF": "MA0139.1", "NR2F1": "MA0017.1"}


@pytest.fixture(scope="module")
def trained():
    jaspar = load_jaspar()
    rng = np.random.default_rng(0)
    train, test = [], []
    for motif_id in TFS.values():
        df = simulate_experiment(jaspar.by_id(motif_id), 700, rng, motif_fraction=0.95)
        a, b = split_pairs(df, 0.2, rng)
        train.append((encode(list(a["sequence"])), a["label"].to_numpy()))
        test.append((encode(list(b["sequence"])), b["label"].to_numpy()))
    train, test = PanelData.stack(train, list(TFS)), PanelData.stack(test, list(TFS))
    fit, val = train.split(0.1, seed=0)
    panel = tf_panel(len(TFS), seed=0)
    cfg = TrainConfig(epochs=6, batch_size=32, lr=3e-3, patience=2, max_norm=3.0, seed=0)
    fit_panel(panel, fit, val, cfg)
    experiments = pd.DataFrame(
        {"experiment": list(TFS), "tf": list(TFS), "jaspar_ids": list(TFS.values())}
    )
    return panel, train, test, experiments, jaspar


def test_panel_learns_and_top_ofiv_filters_match_the_known_motif(trained):
    panel, train, test, experiments, jaspar = trained
    auc = panel_auc(panel_logits(panel, test), test)
    assert (auc > 0.85).all(), auc
    res = deepresolve.resolve(panel_head(panel), (16, 1), n_init=6, steps=300, progress=False)
    assert res.ofiv.shape == (2, 16) and (res.n_components == 1).all()
    w = filter_weights(panel)
    pwms = filter_pwms(w.reshape(-1, 4, w.shape[-1])).reshape(w.shape)
    pvalues, best = known_motif_pvalues({"filters": pwms}, experiments, jaspar, "memelite")
    p = pvalues["filters"]
    assert p.shape == (2, 16) and ((p > 0) & (p <= 1)).all()
    assert set(best["kind"]) == {"filters"} and len(best) == 32
    assert hits(ranked_pvalues(p, res.ofiv), 3, 0.05).all(), ranked_pvalues(p, res.ofiv)[:, :3]
    # The layer baselines, on the positive training sequences, find them too.
    scores = baseline_filter_scores(panel, train.select(1, limit=200))
    assert set(scores) == {"saliency", "gradient_x_input", "deeplift"}
    for s in scores.values():
        assert s.shape == (2, 16) and np.isfinite(s).all()
    assert hits(ranked_pvalues(p, scores["deeplift"]), 3, 0.05).all()


def test_known_motif_pvalues_rejects_unknown_ids(trained):
    _, _, _, experiments, jaspar = trained
    bad = experiments.assign(jaspar_ids=["MA9999.1", "MA0017.1"])
    with pytest.raises(KeyError, match="MA9999.1"):
        known_motif_pvalues({"filters": np.full((2, 1, 4, 8), 0.25)}, bad, jaspar, "memelite")
