import numpy as np
import pytest
import torch
from torch import nn

import deepresolve
from deepresolve import Resolution
from tests.heads import AdditiveHead, XorHead, linear_head


def test_linear_head_reaches_closed_form_optimum():
    k, w, lam = 6, 4, 0.7
    head = linear_head(k, w, n_classes=3)
    res = deepresolve.resolve(head, (k, w), n_init=3, l2=lam, steps=800, progress=False)
    expected = head[1].weight.detach().numpy().reshape(3, k, w) / (2 * lam)
    assert res.fims.shape == (3, 3, k, w)
    np.testing.assert_allclose(
        res.fims, np.broadcast_to(expected[:, None], res.fims.shape), atol=1e-3
    )
    np.testing.assert_allclose(
        res.fivs, np.broadcast_to(expected.mean(2)[:, None], res.fivs.shape), atol=1e-3
    )
    # All starts agree: no inconsistency, one GMM component, OFIV equals the FIV.
    assert res.il.max() < 1e-5
    assert (res.n_components == 1).all() and not res.nonadditive.any()
    np.testing.assert_allclose(res.ofiv, expected.mean(2), atol=1e-3)
    # The stored score is the logit at the stored map.
    logits = head(torch.as_tensor(res.fims.reshape(-1, k, w))).detach().numpy().reshape(3, 3, 3)
    np.testing.assert_allclose(res.scores, logits[np.arange(3), :, np.arange(3)], atol=1e-5)
    assert res.converged.all()


def test_xor_pair_is_nonadditive_and_additive_channel_is_not():
    lam = 1.0
    res = deepresolve.resolve(XorHead(k=8), (8, 1), n_init=10, l2=lam, seed=3, progress=False)
    fiv = res.fivs[0]  # (T, K)
    # Each start lands in one of the two XOR optima: h0 = -h1 = +-1/(2 lambda).
    np.testing.assert_allclose(np.abs(fiv[:, 0]), 1 / (2 * lam), atol=1e-3)
    np.testing.assert_allclose(fiv[:, 0], -fiv[:, 1], atol=1e-3)
    assert (fiv[:, 0] > 0).any() and (fiv[:, 0] < 0).any()
    np.testing.assert_allclose(fiv[:, 2], 1 / (2 * lam), atol=1e-3)
    assert res.n_components[0] >= 2
    assert res.nonadditive[0, :2].all()
    assert not res.nonadditive[0, 2:].any()
    # Sign-inconsistent non-additive channels average their positive trials only.
    np.testing.assert_allclose(res.ofiv[0, :2], 1 / (2 * lam), atol=1e-3)
    np.testing.assert_allclose(res.ofiv[0, 2], 1 / (2 * lam), atol=1e-3)


def test_additive_head_picks_one_component():
    res = deepresolve.resolve(AdditiveHead(k=12, n_classes=4), (12, 3), n_init=8, progress=False)
    assert (res.n_components == 1).all()
    assert not res.nonadditive.any()
    assert (res.ofiv > 0).all()


def test_same_seed_same_arrays_and_batching_does_not_matter():
    head = nn.Sequential(nn.Flatten(), nn.Linear(5 * 4, 16), nn.ReLU(), nn.Linear(16, 3))
    kwargs = dict(n_init=4, steps=100, seed=11, progress=False)
    a = deepresolve.resolve(head, (5, 4), **kwargs)
    b = deepresolve.resolve(head, (5, 4), **kwargs)
    for name in ("fims", "fivs", "scores", "il", "ofiv", "n_steps"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    c = deepresolve.resolve(head, (5, 4), batch_size=5, **kwargs)
    np.testing.assert_allclose(c.fims, a.fims, atol=1e-5)
    d = deepresolve.resolve(head, (5, 4), **{**kwargs, "seed": 12})
    assert not np.allclose(d.fims, a.fims)


def test_classes_subset_and_names():
    head = linear_head(3, 2, n_classes=5)
    res = deepresolve.resolve(
        head, (3, 2), classes=[4, 1], n_init=2, class_names=["e", "b"], progress=False
    )
    assert list(res.classes) == [4, 1] and res.labels() == ["e", "b"]
    expected = head[1].weight.detach().numpy().reshape(5, 3, 2)[[4, 1]].mean(2) / 2
    np.testing.assert_allclose(res.ofiv, expected, atol=1e-3)


def test_head_mode_is_restored():
    head = nn.Sequential(nn.Flatten(), nn.Linear(4, 8), nn.Dropout(0.5), nn.Linear(8, 1))
    head.train()
    res = deepresolve.resolve(head, (4, 1), n_init=3, steps=50, progress=False)
    assert head.training
    # Dropout was off during the ascent: the stored score reproduces in eval mode.
    head.eval()
    out = head(torch.as_tensor(res.fims[0])).detach().numpy()[:, 0]
    np.testing.assert_allclose(out, res.scores[0], atol=1e-5)


def test_save_load_round_trip(tmp_path):
    res = deepresolve.resolve(
        XorHead(6), (6, 1), n_init=4, steps=50, progress=False, class_names=["xor"]
    )
    path = tmp_path / "res.npz"
    res.save(path)
    back = Resolution.load(path)
    for name in (
        "fims",
        "fivs",
        "scores",
        "weights",
        "il",
        "n_components",
        "bic",
        "nonadditive",
        "ofiv",
        "classes",
        "converged",
        "n_steps",
    ):
        np.testing.assert_array_equal(getattr(back, name), getattr(res, name))
    assert back.labels() == ["xor"] and back.params == res.params
    assert back.params["n_init"] == 4


def test_load_rejects_other_files(tmp_path):
    bad = tmp_path / "bad.npz"
    np.savez(bad, x=np.zeros(3))
    with pytest.raises(ValueError, match="bad.npz.*missing"):
        Resolution.load(bad)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(feature_shape=(4, 2)), "does not accept feature maps"),
        (dict(feature_shape=(4,)), r"feature_shape must be \(K, W\)"),
        (dict(n_init=1), "n_init must be >= 2"),
        (dict(classes=[0, 3]), "class index 3 out of range"),
        (dict(l2=0.0), "l2 > 0"),
        (dict(batch_size=0), "batch_size"),
    ],
)
def test_bad_input_is_rejected(kwargs, match):
    head = linear_head(3, 1, n_classes=2)
    args = dict(feature_shape=(3, 1), n_init=2, steps=5, progress=False)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        deepresolve.resolve(head, **args)


def test_non_finite_logits_are_reported():
    class Exploding(nn.Module):
        def forward(self, h):
            return (h.sum((1, 2)) * torch.exp(h.pow(2).sum((1, 2)) * 50)).unsqueeze(1)

    with pytest.raises(ValueError, match="non-finite"):
        deepresolve.resolve(Exploding(), (3, 1), n_init=2, steps=50, progress=False)


def test_head_must_return_logit_matrix():
    with pytest.raises(ValueError, match=r"must return logits \(N, C\)"):
        deepresolve.resolve(nn.Flatten(0), (3, 1), n_init=2, progress=False)


def test_keep_fims_false_drops_maps_but_not_fivs():
    head = linear_head(4, 3, n_classes=2)
    full = deepresolve.resolve(head, (4, 3), n_init=3, steps=50, progress=False)
    lean = deepresolve.resolve(head, (4, 3), n_init=3, steps=50, keep_fims=False, progress=False)
    assert lean.fims is None
    np.testing.assert_array_equal(lean.fivs, full.fivs)
    np.testing.assert_array_equal(lean.ofiv, full.ofiv)
