"""DeepResolve on published architectures (deepresolve.examples.architectures, random
weights), each through ``resolve()`` at a natural layer, as the README shows per kind;
the cut head against a head cut by hand."""

import numpy as np
import pytest
import torch

import deepresolve
from deepresolve.examples import architectures as arch
from deepresolve.layers import CutError, cut_model, cut_points, split_sequential
from deepresolve.outputs import FinalActivationWarning, profile_logit

QUICK = dict(n_init=2, steps=15, progress=False, seed=0)


def assert_same_resolution(a, b, atol=1e-5):
    for name in ("fims", "scores", "ofiv", "n_steps"):
        np.testing.assert_allclose(getattr(a, name), getattr(b, name), atol=atol, rtol=1e-4)


def test_basset_sequential_two_ways():
    model = arch.basset(n_classes=6, length=200, channels=(16, 12, 12), hidden=24)
    x = arch.random_onehot(2, 200)
    with pytest.warns(FinalActivationWarning, match="Sigmoid"):
        res = deepresolve.resolve(model, layer="pool2", example_input=x[:1], **QUICK)
    assert res.fivs.shape == (6, 2, 12) and res.params["head"]["layout"] == "NKW"
    _, head = split_sequential(model, "pool2")
    with pytest.warns(FinalActivationWarning):
        by_hand = deepresolve.resolve(head, (12, 12), **QUICK)
    assert_same_resolution(res, by_hand)


def test_deepsea_919_outputs_at_the_papers_layer():
    model = arch.DeepSEA()  # 1000 bp, 919 outputs, final Sigmoid
    x = arch.random_onehot(1, 1000)
    quick = {**QUICK, "steps": 4}
    with pytest.warns(FinalActivationWarning, match=r"Sigmoid \('classifier.3'\)"):
        res = deepresolve.resolve(model, layer="conv_net.7", example_input=x, classes=[0, 918],
                                  **quick)  # fmt: skip
    assert res.params["feature_shape"] == [480, 60]  # the paper's 480 x 60

    class HandCut(torch.nn.Module):  # what a user wrote before: selene's forward, by hand
        def forward(self, h):
            out = model.conv_net[8:](h)
            return model.classifier[:-1](out.view(out.size(0), -1))

    assert_same_resolution(res, deepresolve.resolve(HandCut(), (480, 60), classes=[0, 918],
                                                    **quick))  # fmt: skip
    # an in-place ReLU right after the cut: the head copies its input, so the gradient
    # with respect to the maps exists and the maps stay as they were
    with pytest.warns(FinalActivationWarning):
        head = cut_model(model, "conv_net.8", x).head
    h = torch.randn(2, 960, 53, requires_grad=True)
    before = h.detach().clone()
    (grad,) = torch.autograd.grad(head(h)[:, 0].sum(), h)
    assert grad.abs().sum() > 0 and torch.equal(h.detach(), before)


def test_beluga_conv2d_layout():
    model = arch.Beluga(length=400, channels=(16, 24, 32), hidden=30, n_targets=10)
    x = arch.random_onehot(1, 400).unsqueeze(2)  # (N, 4, 1, L)
    with pytest.warns(FinalActivationWarning):
        res = deepresolve.resolve(model, layer="model.0.11", example_input=x, classes=[1, 4],
                                  **QUICK)  # fmt: skip
    assert res.params["head"]["layout"] == "NK1W" and res.params["feature_shape"] == [24, 20]
    _, head = split_sequential(model.model, "0.11")
    with pytest.warns(FinalActivationWarning):
        by_hand = deepresolve.resolve(head, (24, 20), layout="NK1W", classes=[1, 4], **QUICK)
    assert_same_resolution(res, by_hand)


def test_bpnet_residual_tower_two_outputs_and_control_tracks():
    model = arch.BPNet(n_filters=16, n_layers=4, n_control_tracks=2)
    x = arch.random_onehot(1, 300)
    control = {"X_ctl": torch.rand(1, 2, 300)}
    names = [name for name, _ in cut_points(model, x, fixed_inputs=control)]
    assert names[:6] == ["iconv", "irelu", "add", "add_1", "add_2", "add_3"]
    with pytest.raises(CutError, match="'rconvs.3' does not cut.*'add_3'"):
        cut_model(model, "rconvs.3", x, output=1, fixed_inputs=control)
    counts = deepresolve.resolve(model, layer="add_3", example_input=x, output=1,
                                 fixed_inputs=control, **QUICK)  # fmt: skip
    assert counts.fivs.shape == (1, 2, 16)
    window = (100, 140)  # positions of the trimmed profile

    def profile_in_window(y):
        return profile_logit(y[0], window)

    profile = deepresolve.resolve(model, layer="add_3", example_input=x, fixed_inputs=control,
                                  output=profile_in_window, **QUICK)  # fmt: skip
    assert profile.fivs.shape == (2, 2, 16)  # one class per strand
    # the control tracks are held fixed: other values give other logits for the same maps
    head = cut_model(model, "add_3", x, output=1, fixed_inputs=control).head
    other = cut_model(model, "add_3", x, output=1, fixed_inputs={"X_ctl": control["X_ctl"] * 9})
    h = torch.as_tensor(counts.fims[0])
    with torch.no_grad():
        assert not torch.allclose(head(h), other.head(h))
        np.testing.assert_allclose(head(h).numpy()[:, 0], counts.scores[0], atol=1e-5)


def test_conv_transformer_positions_first():
    model = arch.ConvTransformer(n_classes=4, channels=16, n_heads=2)
    x = arch.random_onehot(1, 200)
    with pytest.warns(FinalActivationWarning, match="Softplus"):
        res = deepresolve.resolve(model, layer="layers.0", example_input=x, **QUICK)
    assert res.params["head"]["layout"] == "NWK"
    assert res.params["feature_shape"] == [16, 50]  # K channels, W positions


def test_sei_tower_cut_head_equals_the_hand_cut_head():
    model = arch.Sei(sequence_length=256, n_targets=12, channels=(8, 12, 16), spline_df=8)
    x = arch.random_onehot(1, 256)
    with pytest.raises(CutError, match="'conv3' does not cut.*'lconv3'"):
        cut_model(model, "conv3", x)
    with pytest.warns(FinalActivationWarning):
        res = deepresolve.resolve(model, layer="lconv3", example_input=x, **QUICK)
    assert_same_resolution(res, deepresolve.resolve(arch.SeiHead(model), (16, 16), **QUICK))
