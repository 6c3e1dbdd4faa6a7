"""What a model and DeepResolve make of each planted motif: the logit-on-motif regression,
the channel-to-motif map, motif-level importance, data gradient and channel ablation, on
hand-built models whose answers are known."""

import numpy as np
import pytest
import torch
from torch import nn

from deepresolve.motifs.jaspar import load_jaspar
from deepresolve.paper.deepsea.compendium import MOTIFS
from deepresolve.paper.deepsea.motif_effects import (
    channel_ablation,
    channel_motif_response,
    channel_rank_agreement,
    class_motif_table,
    data_gradient,
    model_implied_similarity,
    motif_importance,
    motif_regression,
)


def test_motif_regression_recovers_the_coefficients():
    rng = np.random.default_rng(0)
    z = rng.random((800, 4)) < 0.3
    coef = np.array([[2.0, 0.0, -1.0, 0.5], [0.0, 3.0, 0.0, 0.0]])
    logits = np.array([1.0, -2.0]) + z @ coef.T + rng.normal(0, 0.1, (800, 2))
    reg = motif_regression(logits, z)
    assert np.allclose(reg.coef, coef, atol=0.05)
    assert np.allclose(reg.intercept, [1.0, -2.0], atol=0.05)
    assert (reg.r2 > 0.98).all()
    sim = model_implied_similarity(reg.coef)
    assert sim.shape == (2, 2) and sim[0, 1] < 0
    with pytest.raises(ValueError, match="logits"):
        motif_regression(logits[:10], z)
    with pytest.raises(ValueError, match="cannot fit"):
        motif_regression(logits[:4], z[:4])


def _detector(names=("AP1", "HNF4A")):
    """Conv body whose channel k is the log-odds scan of motif ``names[k]`` (forward
    strand, both strands via a second half of channels), ReLU'd above chance level."""
    jaspar = load_jaspar()
    pwms = [jaspar.by_id(MOTIFS[n]) for n in names]
    width = max(p.shape[1] for p in pwms)
    conv = nn.Conv1d(4, 2 * len(pwms), width)
    with torch.no_grad():
        conv.weight.zero_()
        for k, p in enumerate(pwms):
            lo = np.log2((p + 0.01) / 0.25)
            for j, m in enumerate((lo, lo[::-1, ::-1])):
                conv.weight[2 * k + j, :, : p.shape[1]] = torch.as_tensor(m.copy())
            conv.bias[2 * k : 2 * k + 2] = -0.6 * float(lo.max(axis=0).sum())
    return nn.Sequential(conv, nn.ReLU()).eval(), pwms


def test_channel_motif_response_finds_each_detector_s_motif():
    body, pwms = _detector()
    a = channel_motif_response(body, pwms, length=120, n=64, seed=1)
    assert a.shape == (4, 2)
    for k in range(4):
        own = k // 2
        assert a[k, own] > 5 * max(a[k, 1 - own], 0.1), (k, a[k])
    assert np.allclose(a, channel_motif_response(body, pwms, length=120, n=64, seed=1))
    with pytest.raises(ValueError, match="no longer than"):
        channel_motif_response(body, pwms, length=8)


def test_motif_importance_is_channel_importance_through_the_map():
    v = np.array([[1.0, 0.0, -1.0], [0.5, 0.5, 0.5]])
    a = np.array([[2.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    assert np.allclose(motif_importance(v, a), [[1.0, -1.0], [1.5, 1.0]])
    with pytest.raises(ValueError, match=r"\(C, K\)"):
        motif_importance(v, a.T)


def test_gradient_and_ablation_of_a_linear_head():
    torch.manual_seed(0)
    k, w, c = 3, 4, 2
    head = nn.Sequential(nn.Flatten(), nn.Linear(k * w, c)).eval()
    rng = np.random.default_rng(0)
    h = rng.random((40, k, w)).astype(np.float32)
    y = np.zeros((40, c), dtype=np.uint8)
    y[:30, 0] = 1
    y[:3, 1] = 1  # too few positives for class 1
    weight = head[1].weight.detach().numpy().reshape(c, k, w)
    grad = data_gradient(head, h, y, batch_size=16, min_positives=5)
    assert np.allclose(grad[0], weight[0].mean(axis=1), atol=1e-6)
    assert np.isnan(grad[1]).all()
    abl = channel_ablation(head, h, y, batch_size=16, min_positives=5)
    expected = np.einsum("kw,nkw->k", weight[0], h[:30].astype(np.float64)) / 30
    assert np.allclose(abl[0], expected, atol=1e-5)
    assert np.isnan(abl[1]).all()
    rho = channel_rank_agreement(grad, abl)
    assert np.isnan(rho[1]) and -1 <= rho[0] <= 1


def test_data_map_recovers_which_channel_carries_which_motif():
    """The map read off the data: channel 0 rises by 3 (over all positions) with motif 0,
    channel 1 by 2 with motif 1, channel 2 with neither; the planted-style map and a
    scaled copy agree (r = 1), a map with two channels swapped does not."""
    from deepresolve.paper.deepsea.motif_effects import data_motif_response, map_agreement

    rng = np.random.default_rng(3)
    z = rng.random((600, 2)) < 0.4
    h = rng.random((600, 3, 5)) * 0.1
    h[:, 0, 2] += 3.0 * z[:, 0]
    h[:, 1, :] += 0.4 * z[:, 1, None]
    a = data_motif_response(h, z)
    assert np.allclose(a, [[3.0, 0.0], [0.0, 2.0], [0.0, 0.0]], atol=0.05)
    planted = np.array([[6.0, 0.1], [0.2, 4.0], [0.0, 0.0]])
    assert (map_agreement(planted, a) > 0.99).all()
    assert np.allclose(map_agreement(planted, 0.5 * planted), 1.0)
    assert (map_agreement(planted[[1, 0, 2]], a) < 0).all()
    with pytest.raises(ValueError, match="one shape"):
        map_agreement(planted, planted.T)
    with pytest.raises(ValueError, match=r"\(N, K, W\)"):
        data_motif_response(h[:, :, 0], z)


def test_ascent_diagnostics_on_a_linear_head():
    """For a linear head S(H) = <w_c, H> the optimum of S - l2 ||H||^2 is w_c / (2 l2):
    residual 0 there, 1 at twice that point; the logit and the share of negative entries
    follow from w; DeepResolve's ascent gets close to the exact optimum."""
    import deepresolve
    from deepresolve.paper.deepsea.motif_effects import ascent_diagnostics

    torch.manual_seed(0)
    k, w, c, l2 = 3, 4, 2, 0.5
    head = nn.Sequential(nn.Flatten(), nn.Linear(k * w, c, bias=False)).eval()
    weight = head[1].weight.detach().numpy().reshape(c, k, w)
    exact = (weight / (2 * l2))[:, None]  # (C, T=1, K, W)
    d = ascent_diagnostics(head, exact, l2)
    assert np.allclose(d["ascent_residual"], 0.0, atol=1e-6)
    assert np.allclose(d["ascent_logit"], (weight**2).sum(axis=(1, 2)) / (2 * l2), rtol=1e-5)
    assert np.allclose(d["ascent_negative"], (weight < 0).mean(axis=(1, 2)))
    assert np.allclose(ascent_diagnostics(head, 2 * exact, l2)["ascent_residual"], 1.0)
    res = deepresolve.resolve(head, (k, w), n_init=2, l2=l2, progress=False)
    assert (ascent_diagnostics(head, res.fims, l2)["ascent_residual"] < 0.05).all()
    with pytest.raises(ValueError, match="fims"):
        ascent_diagnostics(head, exact[:, 0], l2)


def test_class_motif_table_reports_factor_and_context():
    from deepresolve.paper.deepsea.motif_effects import MotifRegression

    names = ["K562|c-Fos|None", "HepG2|JunD|None", "K562|CTCF|None"]
    motifs = ["AP1", "RUNX", "HNF4A", "CTCF"]
    fw = np.array([[1, 0, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1.0]])
    cw = np.array([[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0.0]])
    coef = np.array([[2.0, 3.0, 0, 0], [1.5, 0, 0.4, 0], [0, 0, 0, 6.0]])
    reg = MotifRegression(np.zeros(3), coef, np.array([0.9, 0.8, 0.95]))
    dr = np.array([[1.0, 3.0, 0, 0], [-1.0, 0, 2.0, 0], [0, 0, 0, 1.0]])
    table = class_motif_table(names, motifs, fw, cw, reg, {"deepresolve": dr},
                              {"rho": np.array([0.1, 0.2, 0.3])}, min_coef=1.0)  # fmt: skip
    assert list(table["class"]) == names
    assert list(table["factor_motif"]) == ["AP1", "AP1", "CTCF"]
    assert list(table["context_motif"]) == ["RUNX", "HNF4A", ""]
    assert list(table["learned"]) == [True, False, True]
    assert list(table["factor_learned"]) == [True, True, True]  # context 0.4 < 1 in row 1
    assert table.loc[0, "coef_factor_share"] == pytest.approx(0.4)
    assert table.loc[0, "deepresolve_factor_share"] == pytest.approx(0.25)
    assert table.loc[1, "deepresolve_factor_share"] == pytest.approx(0.0)
    assert np.isnan(table.loc[2, "coef_factor_share"])
    assert table.loc[2, "rho"] == pytest.approx(0.3)


class _SaturatingHead(nn.Module):
    """Logit of two channels (W = 1): ``4 min(h1, 1) + h2``. On data (h in {0, 1}) channel 1
    is worth 4 logit units and channel 2 one; channel 1's effect saturates at 1."""

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        h1, h2 = h[:, 0, 0], h[:, 1, 0]
        return (4 * (h1 - torch.relu(h1 - 1)) + h2)[:, None]


@pytest.mark.parametrize("l2, ratio", [(10.0, 4.0), (1.0, 2.0), (0.1, 0.2)])
def test_l2_ascent_credits_a_saturating_channel_less_as_the_penalty_falls(l2, ratio):
    """The method, not a bug: the optimum of ``S(H) - l2 ||H||^2`` is ``grad S(H*) / (2 l2)``
    where that gradient exists, so a channel whose effect saturates stops at its kink
    (h1 = 1) while a linear one grows as ``1 / (2 l2)``. DeepResolve's FIV ratio of the two
    channels is then 4 (their effect on data) only for large ``l2``."""
    import deepresolve

    res = deepresolve.resolve(_SaturatingHead(), (2, 1), n_init=4, l2=l2, steps=3000, lr=0.05,
                              seed=0, progress=False)  # fmt: skip
    fiv = res.ofiv[0]
    assert fiv[0] / fiv[1] == pytest.approx(ratio, rel=0.05)


REDUCED = ["K562|CTCF|None", "K562|RUNX1|None", "HepG2|HNF4A|None", "HeLa-S3|c-Jun|None",
           "K562|c-Fos|None", "HepG2|JunD|None", "K562|Rad21|None", "HepG2|Rad21|None"]  # fmt: skip


def test_every_class_of_a_reduced_compendium_learns_its_motifs():
    """The regression check at reduced size (8 classes of 2 cell types, 4 motifs, 180 bp,
    6,000 sequences, a 16/24/32-channel DeepSEA, 14 epochs): every class's model learns
    every motif of its rule, the gated ones both their factor and their context motif."""
    from deepresolve.paper.deepsea.compendium import class_specs, simulate
    from deepresolve.paper.deepsea.models import deepsea
    from deepresolve.training import TrainConfig, fit, predict_logits

    specs = [s for s in class_specs() if s.name in REDUCED]
    data = simulate(7000, length=180, seed=1, specs=specs)
    assert data.z[:, [m not in ("CTCF", "AP1", "RUNX", "HNF4A") for m in MOTIFS]].sum() == 0
    torch.manual_seed(0)
    model = deepsea(n_classes=len(specs), length=180, channels=(16, 24, 32), hidden=32,
                    dropout=(0.1, 0.1, 0.2), batchnorm=True)  # fmt: skip
    x = data.x.astype(np.float32)
    fit(model, x[:5500], data.y[:5500], x[5500:6000], data.y[5500:6000],
        TrainConfig(epochs=14, batch_size=64, lr=0.005, patience=3, seed=0))  # fmt: skip
    reg = motif_regression(predict_logits(model, x[6000:]), data.z[6000:])
    table = class_motif_table(data.class_names, data.motif_names, data.factor_weights,
                              data.context_weights, reg, {}, min_coef=1.0)  # fmt: skip
    assert table["learned"].all(), table[["class", "coef_factor", "coef_context"]]
    gated = table[table["context_motif"] != ""]
    assert len(gated) == 4 and (gated[["coef_factor", "coef_context"]] > 1.0).all().all()


def test_baseline_gradient_and_motif_ablation_read_a_saturating_head():
    """On the saturating head (channel 1 worth 4, capped at h1 = 1), at data points h = (2, 1)
    the gradient misses channel 1, the gradient at H = 0 and the ablation do not."""
    from deepresolve.paper.deepsea.motif_effects import baseline_gradient, motif_ablation

    head = _SaturatingHead()
    assert np.allclose(baseline_gradient(head, (2, 1)), [[4.0, 1.0]])
    h = np.tile(np.array([[[2.0], [1.0]]], dtype=np.float32), (6, 1, 1))
    y = np.ones((6, 1), dtype=np.uint8)
    assert np.allclose(data_gradient(head, h, y), [[0.0, 1.0]])
    response = np.array([[1.0, 0.0], [0.0, 1.0]])  # channel k carries motif k
    assert np.allclose(motif_ablation(head, h, y, response), [[4.0, 1.0]])
    assert np.isnan(motif_ablation(head, h, y, np.zeros((2, 2)))).all()
