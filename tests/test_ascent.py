import numpy as np
import pytest
import torch
from torch import nn

import deepresolve
from deepresolve import Resolution, ascent
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


# --- optimisers, starts and the class_scores hook -------------------------------------


def test_plain_ascent_reaches_closed_form_optimum_with_authors_defaults():
    k, w, lam = 5, 3, 0.8
    head = linear_head(k, w, n_classes=2)
    res = deepresolve.resolve(
        head, (k, w), n_init=3, l2=lam, optimizer="plain", init="uniform", progress=False
    )
    expected = head[1].weight.detach().numpy().reshape(2, k, w) / (2 * lam)
    np.testing.assert_allclose(
        res.fims, np.broadcast_to(expected[:, None], res.fims.shape), atol=1e-4
    )
    assert res.converged.all() and res.n_steps.max() < 10_000
    p = res.params
    assert (p["optimizer"], p["init"], p["steps"], p["patience"], p["n_halvings"]) == (
        "plain", "uniform", 10_000, 10, 1,
    )  # fmt: skip


def test_plain_rate_schedule():
    assert ascent.plain_rate(1, 0.1) == ascent.plain_rate(500, 0.1) == 0.1
    assert ascent.plain_rate(501, 0.1) == 0.1
    assert ascent.plain_rate(532, 0.1) == pytest.approx(0.05)  # 32 ** -0.2 = 1/2
    assert ascent.plain_rate(10_000, 5e-6) == 1e-6  # floor (5e-6 * 9500 ** -0.2 = 8e-7)


def test_plain_steps_follow_the_decaying_rate():
    # S(h) = <a, h>: with a negligible penalty each step adds lr_i * a, so after n steps
    # h - h0 = a * sum_i lr_i (the exact recursion is followed in float64 below).
    k, lam, lr, n = 4, 1e-6, 0.01, 620
    head = linear_head(k, 1, n_classes=1)
    a = head[1].weight.detach().double().numpy()[0]
    h0 = torch.zeros(1, k, 1)
    res = ascent.ascend(head, h0, torch.tensor([0]), l2=lam, lr=lr, steps=n, optimizer="plain")
    h = np.zeros(k)
    for i in range(1, n + 1):
        h = h + ascent.plain_rate(i, lr) * (a - 2 * lam * h)
    assert int(res.n_steps[0]) == n and not bool(res.converged[0])
    np.testing.assert_allclose(res.h[0, :, 0].double().numpy(), h, rtol=1e-5)
    # Without decay the same steps would have gone a quarter further.
    assert np.abs(h).sum() < 0.9 * np.abs(a * lr * n).sum()


def test_plain_stops_after_patience_steps_without_improvement():
    class Flat(nn.Module):
        def forward(self, h):
            return torch.zeros(len(h), 1) + 0 * h.sum((1, 2))[:, None]

    res = ascent.ascend(Flat(), torch.zeros(3, 2, 1), torch.zeros(3, dtype=torch.long),
                        optimizer="plain")  # fmt: skip
    assert res.n_steps.tolist() == [10, 10, 10] and res.converged.all()
    res = ascent.ascend(Flat(), torch.zeros(3, 2, 1), torch.zeros(3, dtype=torch.long),
                        optimizer="plain", patience=4, n_halvings=2)  # fmt: skip
    assert res.n_steps.tolist() == [8, 8, 8]


def test_starts_normal_is_todays_and_uniform_lies_in_unit_interval():
    normal = ascent.random_starts(30, 4, 3, "normal", seed=5)
    torch.testing.assert_close(
        normal, torch.randn(30, 4, 3, generator=torch.Generator().manual_seed(5)), rtol=0, atol=0
    )
    uniform = ascent.random_starts(30, 4, 3, "uniform", seed=5)
    assert uniform.min() >= 0 and uniform.max() < 1 and abs(uniform.mean() - 0.5) < 0.05
    # One step of a tiny rate leaves the maps at their starts.
    head = linear_head(4, 3, n_classes=2)
    res = deepresolve.resolve(
        head, (4, 3), n_init=15, steps=1, lr=1e-7, init="uniform", seed=5, progress=False
    )
    np.testing.assert_allclose(res.fims.reshape(30, 4, 3), uniform.numpy(), atol=1e-5)


class PanelHead(nn.Module):
    """``E`` independent two-layer models on a ``(K, 1)`` map; output ``e`` is model ``e``.
    ``class_scores`` evaluates only each row's own model (per-row weights, batched matmul);
    ``forward_calls`` counts full evaluations."""

    def __init__(self, k: int = 6, hidden: int = 5, n_models: int = 4, seed: int = 0):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        self.w1 = nn.Parameter(torch.randn(n_models, hidden, k, generator=g))
        self.b1 = nn.Parameter(torch.randn(n_models, hidden, generator=g))
        self.w2 = nn.Parameter(torch.randn(n_models, hidden, generator=g))
        self.forward_calls = 0

    def forward(self, h):
        self.forward_calls += 1
        hid = torch.relu(torch.einsum("ehk,nk->neh", self.w1, h[:, :, 0]) + self.b1)
        return (hid * self.w2).sum(2)

    def class_scores(self, h, targets):
        hid = torch.relu(torch.bmm(self.w1[targets], h).squeeze(2) + self.b1[targets])
        return (hid * self.w2[targets]).sum(1)


class PanelNoHook(PanelHead):
    class_scores = None


class PanelSameArithmetic(PanelHead):
    """A hook that does the forward's own arithmetic without counting as a forward call."""

    def class_scores(self, h, targets):
        hid = torch.relu(torch.einsum("ehk,nk->neh", self.w1, h[:, :, 0]) + self.b1)
        return (hid * self.w2).sum(2)[torch.arange(len(targets)), targets]


@pytest.mark.parametrize("optimizer", ["adam", "plain"])
def test_class_scores_hook_gives_the_same_resolution(optimizer):
    kwargs = dict(n_init=4, seed=2, optimizer=optimizer, progress=False)
    no_hook = PanelNoHook()
    without = deepresolve.resolve(no_hook, (6, 1), **kwargs)
    assert no_hook.forward_calls > 10
    # The hook is what the ascent calls: same arithmetic, same arrays bit for bit.
    same = PanelSameArithmetic()
    exact = deepresolve.resolve(same, (6, 1), **kwargs)
    assert same.forward_calls == 1  # only the probe that counts the outputs
    for name in ("fims", "scores", "ofiv", "n_steps"):
        np.testing.assert_array_equal(getattr(exact, name), getattr(without, name))
    # A per-row batched-matmul hook rounds differently; the plateau stops then fall a few
    # steps apart, within the ascent's own convergence precision.
    hooked = PanelHead()
    with_hook = deepresolve.resolve(hooked, (6, 1), **kwargs)
    assert hooked.forward_calls == 1
    for name in ("fims", "scores", "ofiv"):
        np.testing.assert_allclose(
            getattr(with_hook, name), getattr(without, name), rtol=1e-3, atol=1e-3
        )
    np.testing.assert_array_equal(with_hook.n_components, without.n_components)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(optimizer="sgd"), "optimizer must be one of"),
        (dict(init="zeros"), "init must be one of"),
        (dict(patience=0), "patience"),
    ],
)
def test_bad_optimizer_settings_are_rejected(kwargs, match):
    with pytest.raises(ValueError, match=match):
        deepresolve.resolve(linear_head(3, 1, 2), (3, 1), n_init=2, progress=False, **kwargs)


def test_channels_with_equal_fivs_in_every_start_get_equal_ofivs():
    """MaxHead: channels 0 and 1 have equal FIVs in every start (1 at one optimum, 0 up to
    the ascent's precision at the other); the OFIV's sign test must not read that noise."""
    from deepresolve.ofiv import summarize
    from tests.heads import MaxHead

    res = deepresolve.resolve(MaxHead(), (8, 1), n_init=10, seed=1, progress=False)
    fiv = res.fivs[0]
    at_one = fiv[:, 0] > 0.5
    assert 0 < at_one.sum() < 10  # both optima are reached
    np.testing.assert_allclose(fiv[at_one, :2], 1.0, atol=1e-3)
    np.testing.assert_allclose(fiv[~at_one, :2], 0.0, atol=1e-3)
    assert res.nonadditive[0, :3].all()
    np.testing.assert_allclose(res.ofiv[0, 0], res.ofiv[0, 1], atol=1e-3)
    np.testing.assert_allclose(res.ofiv[0, :2], 1.0, atol=1e-3)  # the positive starts
    # the same FIVs without the tolerance: the zeros' signs split the two channels
    plain = summarize(res.fivs, res.scores, sign_rtol=0).ofiv[0]
    assert abs(plain[0] - plain[1]) > 0.1
