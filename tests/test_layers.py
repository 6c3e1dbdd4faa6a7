from collections import OrderedDict

import numpy as np
import pytest
import torch
from torch import nn

import deepresolve
from deepresolve.layers import (
    CutError,
    HookHeadWarning,
    ReplacedLayerHead,
    cut_model,
    cut_points,
    feature_maps,
    layer_output,
    split_sequential,
)
from deepresolve.outputs import FinalActivationWarning


def small_model():
    torch.manual_seed(0)
    return nn.Sequential(
        OrderedDict(
            conv=nn.Conv1d(4, 6, 5),
            relu=nn.ReLU(),
            pool=nn.MaxPool1d(4),
            head=nn.Sequential(
                OrderedDict(
                    flat=nn.Flatten(), fc=nn.Linear(6 * 4, 8), act=nn.ReLU(), out=nn.Linear(8, 3)
                )
            ),
        )
    ).eval()


def test_split_sequential_recomposes_the_model():
    model = small_model()
    x = torch.randn(7, 4, 20)
    body, head = split_sequential(model, "pool")
    h = body(x)
    assert h.shape == (7, 6, 4)
    torch.testing.assert_close(head(h), model(x))
    body2, head2 = split_sequential(model, "head.act")  # nested names are dotted
    torch.testing.assert_close(head2(body2(x)), model(x))
    assert len(head2) == 1


def test_split_errors_name_the_layer():
    with pytest.raises(KeyError, match="'nope'"):
        split_sequential(small_model(), "nope")
    with pytest.raises(ValueError, match="last module"):
        split_sequential(small_model(), "head.out")
    with pytest.raises(TypeError, match="ReplacedLayerHead"):
        split_sequential(nn.Linear(2, 2), "x")


def test_feature_maps_batches_and_adds_width():
    model = small_model()
    x = np.random.default_rng(0).normal(size=(9, 4, 20)).astype(np.float32)
    body, _ = split_sequential(model, "pool")
    h = feature_maps(body, x, batch_size=4)
    np.testing.assert_allclose(h, body(torch.as_tensor(x)).detach().numpy(), rtol=1e-6)
    pooled = feature_maps(nn.Sequential(body, nn.Flatten()), x)
    assert pooled.shape == (9, 24, 1)


def test_replaced_layer_head_equals_split_head():
    model = small_model().train()
    generic = ReplacedLayerHead(model, "pool", example_input=torch.zeros(1, 4, 20))
    assert all(m.training for m in model.modules())  # the model's mode is left alone
    model.eval()
    _, head = split_sequential(model, "pool")
    h = torch.randn(5, 6, 4)
    torch.testing.assert_close(generic(h), head(h))
    x = torch.randn(2, 4, 20)
    torch.testing.assert_close(
        layer_output(model, "pool", x), split_sequential(model, "pool")[0](x)
    )
    with pytest.raises(ValueError, match="do not match"):
        generic(torch.randn(5, 6, 3))
    # no hook is left behind on the user's model
    assert not model.pool._forward_hooks


# --- split_sequential: subclasses, in-place ops, modes ---------------------------------


def test_split_keeps_sequential_subclasses_with_their_own_forward():
    from deepresolve.examples.architectures import Beluga, random_onehot

    model = Beluga(length=400, channels=(8, 12, 16), hidden=12, n_targets=5)
    x = random_onehot(3, 400).unsqueeze(2)
    body, head = split_sequential(model.model, "0.11")
    # ExPecto's Lambda modules (no children) are kept whole, not dropped
    assert sum(type(m).__name__ == "Lambda" for m in head.modules()) == 3
    with torch.no_grad():
        torch.testing.assert_close(head(body(x)), model(x))

    class Reshaping(nn.Sequential):
        def forward(self, x):
            return super().forward(x).flatten(1)

    nested = nn.Sequential(nn.Linear(2, 2), Reshaping(nn.Linear(2, 2), nn.ReLU()), nn.Linear(2, 1))
    with pytest.raises(KeyError, match="'1.0' is inside '1' \\(Reshaping, whose own forward"):
        split_sequential(nested, "1.0")
    assert len(split_sequential(nested, "1")[1]) == 1
    with pytest.raises(TypeError, match="defines its own forward.*cut_model"):
        split_sequential(Reshaping(nn.Linear(2, 2)), "0")


def test_split_head_after_in_place_relu_runs_the_ascent():
    model = nn.Sequential(nn.Conv1d(4, 6, 5), nn.ReLU(inplace=True), nn.Flatten(),
                          nn.Linear(6 * 16, 2))  # fmt: skip
    _, head = split_sequential(model, "0")
    res = deepresolve.resolve(head, (6, 16), n_init=2, steps=5, progress=False)
    assert np.isfinite(res.ofiv).all()
    h = torch.randn(3, 6, 16)
    torch.testing.assert_close(head(h), model[1:](h.clone()))


def test_split_and_resolve_leave_every_module_mode_as_it_was():
    model = small_model().train()
    model.head.act.eval()  # a module the user froze on purpose
    modes = {n: m.training for n, m in model.named_modules()}
    _, head = split_sequential(model, "pool")
    deepresolve.resolve(head, (6, 4), n_init=2, steps=5, progress=False)
    feature_maps(split_sequential(model, "pool")[0], torch.randn(2, 4, 20))
    assert {n: m.training for n, m in model.named_modules()} == modes


# --- the graph cut -------------------------------------------------------------------------


class Residual(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv, self.relu = nn.Conv1d(c, c, 3, padding=1), nn.ReLU()

    def forward(self, x):
        return x + self.relu(self.conv(x))


class Tower(nn.Module):
    """stem -> two residual blocks -> mean over positions -> 3 logits -> sigmoid."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.stem = nn.Conv1d(4, 8, 5)
        self.blocks = nn.Sequential(Residual(8), Residual(8))
        self.out, self.sigmoid = nn.Linear(8, 3), nn.Sigmoid()

    def forward(self, x):
        return self.sigmoid(self.out(self.blocks(self.stem(x)).mean(2)))


def onehot(n, length, seed=0):
    from deepresolve.examples.architectures import random_onehot

    return random_onehot(n, length, seed)


def test_cut_head_is_the_model_after_the_layer_and_skips_the_rest():
    model, x = Tower(), onehot(5, 30)
    with pytest.warns(FinalActivationWarning, match="Sigmoid"):
        cut = cut_model(model, "blocks.0", x[:1])
    assert cut.head.method == "graph" and cut.feature_shape == (8, 26)
    with torch.no_grad():
        want = model.out(model.blocks(model.stem(x)).mean(2))
    calls = []
    model.stem.register_forward_hook(lambda *a: calls.append(1))
    h = torch.as_tensor(feature_maps(cut.body, x))
    assert len(calls) == 1  # the body ran the stem once
    with torch.no_grad():
        logits = cut.head(h)
    assert len(calls) == 1  # the head did not
    torch.testing.assert_close(logits, want)
    kept = cut_model(model, "blocks.0", x[:1], logits=False).head
    with torch.no_grad():
        torch.testing.assert_close(kept(h), model(x))


def test_layer_inside_a_residual_block_is_refused_with_layers_that_cut():
    model, x = Tower(), onehot(2, 30)
    with pytest.raises(CutError, match=r"'blocks.0.conv' does not cut.*around it.*'blocks.0'"):
        cut_model(model, "blocks.0.conv", x[:1])
    names = [name for name, _ in cut_points(model, x[:1])]
    assert names[:3] == ["stem", "blocks.0", "blocks"] and "blocks.0.conv" not in names
    # ReplacedLayerHead at that layer: the same maps give different logits per input
    hook = ReplacedLayerHead(model, "blocks.0.conv", x[:1])
    h = layer_output(model, "blocks.0.conv", x[:1])
    other = ReplacedLayerHead(model, "blocks.0.conv", x[1:2])
    with torch.no_grad():
        assert not torch.allclose(hook(h), other(h))
    # the hook-based head's own check refuses it too
    with pytest.raises(CutError, match="does not cut.*still changes with the model input"):
        cut_model(model, "blocks.0.conv", x[:1], method="hook", layout="NKW")


class SharedRelu(nn.Module):
    def __init__(self):
        super().__init__()
        torch.manual_seed(1)
        self.c1, self.c2, self.act = nn.Conv1d(4, 6, 5), nn.Conv1d(6, 6, 5), nn.ReLU()
        self.fc = nn.Linear(6 * 12, 3)

    def forward(self, x):
        return self.fc(self.act(self.c2(self.act(self.c1(x)))).flatten(1))


def test_shared_module_is_refused_and_one_call_can_be_named():
    model, x = SharedRelu(), onehot(4, 20)
    with pytest.raises(CutError, match=r"'act' is called 2 times.*\['act', 'act_1'\]"):
        cut_model(model, "act", x[:1])
    with pytest.raises(CutError, match="called 2 times"):
        cut_model(model, "act", x[:1], method="hook", layout="NKW")
    head = cut_model(model, "act_1", x[:1]).head  # the second call
    h = torch.randn(4, 6, 12)
    with torch.no_grad():
        torch.testing.assert_close(head(h), model.fc(h.flatten(1)))


def test_reverse_complement_averaging_is_refused():
    from deepresolve.examples.architectures import ReverseComplementAverage

    model, x = ReverseComplementAverage(Tower()), onehot(2, 30)
    msg = r"called 2 times.*reverse complement.*\['add_1', 'add_3'\]"
    with pytest.raises(CutError, match=msg):
        cut_model(model, "model.blocks", x[:1])
    with pytest.raises(CutError, match="does not cut"):  # one strand's call: the other leaks
        cut_model(model, "add_1", x[:1])


class DataBranch(nn.Module):
    """Untraceable (a branch on tensor values) but cut cleanly at ``pool``."""

    def __init__(self, skip=False):
        super().__init__()
        torch.manual_seed(2)
        self.conv, self.relu, self.pool = nn.Conv1d(4, 6, 5), nn.ReLU(), nn.MaxPool1d(4)
        self.fc, self.sigmoid, self.skip = nn.Linear(6 * 4, 2), nn.Sigmoid(), skip

    def forward(self, x):
        if x.sum() > 0:
            x = x * 1.0
        c = self.conv(x)
        h = self.pool(self.relu(c) + (c if self.skip else 0))
        return self.sigmoid(self.fc(h.flatten(1)))


def test_untraceable_model_falls_back_to_checked_hooks():
    model, x = DataBranch(), onehot(3, 20)
    with pytest.warns(HookHeadWarning, match="could not trace.*tensor data"):
        cut = cut_model(model, "pool", x[:1])
    assert cut.head.method == "hook" and cut.head.removed == ["Sigmoid ('sigmoid')"]
    h = torch.as_tensor(feature_maps(cut.body, x))
    with torch.no_grad():
        torch.testing.assert_close(cut.head(h), model.fc(h.flatten(1)))
    assert not model.pool._forward_hooks and not model.sigmoid._forward_hooks
    with pytest.warns(HookHeadWarning), pytest.raises(CutError, match="still changes"):
        cut_model(DataBranch(skip=True), "relu", x[:1], layout="NKW")


class TwoOutputs(nn.Module):
    def __init__(self, as_dict=False):
        super().__init__()
        torch.manual_seed(3)
        self.conv, self.a, self.b = nn.Conv1d(4, 6, 5), nn.Linear(6, 2), nn.Linear(6, 1)
        self.as_dict = as_dict

    def forward(self, x):
        h = torch.relu(self.conv(x)).mean(2)
        a, b = self.a(h), torch.sigmoid(self.b(h))
        return {"a": a, "b": b} if self.as_dict else (a, b)


def test_outputs_are_chosen_by_index_key_or_callable():
    x = onehot(2, 20)
    with pytest.raises(ValueError, match=r"returned a tuple of 2: \[\(2, 2\), \(2, 1\)\].*output="):
        cut_model(TwoOutputs(), "conv", x[:1])
    with pytest.raises(ValueError, match="output=5 does not select"):
        cut_model(TwoOutputs(), "conv", x[:1], output=5)
    h = torch.randn(3, 6, 16)
    model = TwoOutputs()
    with torch.no_grad():
        first = cut_model(model, "conv", x[:1], output=0).head(h)
        torch.testing.assert_close(first, model.a(torch.relu(h).mean(2)))
        with pytest.warns(FinalActivationWarning, match="sigmoid"):
            second = cut_model(TwoOutputs(True), "conv", x[:1], output="b").head(h)
        torch.testing.assert_close(second, model.b(torch.relu(h).mean(2)))
        both = cut_model(model, "conv", x[:1], output=lambda y: torch.cat(y, 1), logits=False)
        assert both.head(h).shape == (3, 3)


def test_profile_logit_is_the_log_odds_of_the_window():
    from deepresolve.outputs import profile_logit

    z = torch.randn(2, 3, 10)
    p = torch.softmax(z, -1)
    inside = p[:, :, 2:5].sum(-1)
    torch.testing.assert_close(profile_logit(z, (2, 5)), torch.log(inside / (1 - inside)))
    torch.testing.assert_close(profile_logit(z + 7.0, slice(2, 5)), profile_logit(z, (2, 5)))
    with pytest.raises(ValueError, match="some but not all"):
        profile_logit(z, (0, 10))


class Transformerish(nn.Module):
    def __init__(self):
        super().__init__()
        torch.manual_seed(4)
        self.stem = nn.Conv1d(4, 16, 5)
        self.layer = nn.TransformerEncoderLayer(16, 2, 32, dropout=0.0, batch_first=True)
        self.out = nn.Linear(16 * 96, 2)

    def forward(self, x):
        return self.out(self.layer(self.stem(x).transpose(1, 2)).flatten(1))


def test_layout_is_read_from_the_model_and_shapes_are_checked():
    model, x = Transformerish(), onehot(2, 100)
    cut = cut_model(model, "layer", x[:1])
    assert cut.head.layout == "NWK" and cut.feature_shape == (16, 96)  # (K, W), not (96, 16)
    h = torch.as_tensor(feature_maps(cut.body, x))
    assert h.shape == (2, 16, 96)
    with torch.no_grad():
        torch.testing.assert_close(cut.head(h), model(x))
    with pytest.raises(ValueError, match=r"feature_shape \(96, 16\) does not match.*\(16, 96\)"):
        deepresolve.resolve(model, (96, 16), layer="layer", example_input=x[:1], n_init=2)
    assert cut_model(model, "stem", x[:1]).head.layout == "NKW"
    with pytest.raises(ValueError, match="layout 'NK1W' does not fit"):
        cut_model(model, "layer", x[:1], layout="NK1W")
    # a hand-cut (N, W, K) head whose maps are given channels-first is refused at the probe
    head = nn.Sequential(nn.Flatten(), nn.Linear(16 * 96, 2))
    res = deepresolve.resolve(head, (16, 96), layout="NWK", n_init=2, steps=3, progress=False)
    assert res.fivs.shape == (2, 2, 16)


class NeedsControl(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv, self.out = nn.Conv1d(4, 6, 5), nn.Linear(7, 1)

    def forward(self, x, control):
        return self.out(torch.cat([self.conv(x).mean(2), control], 1))


def test_errors_name_the_true_cause():
    model, x = Tower(), onehot(2, 30)
    with pytest.raises(ValueError, match=r"example_input of shape \(1, 30, 4\).*\(N, 4, L\)"):
        cut_model(model, "blocks", x[:1].transpose(1, 2))
    with pytest.raises(TypeError, match="example_input is torch.float64.*float32"):
        cut_model(model, "blocks", x[:1].double())
    with pytest.raises(ValueError, match="second input 'control'.*fixed_inputs"):
        cut_model(NeedsControl(), "conv", x[:1])
    fixed = {"control": torch.ones(1, 1)}
    head = cut_model(NeedsControl(), "conv", x[:1], fixed_inputs=fixed).head
    assert head(torch.zeros(3, 6, 26)).shape == (3, 1)
    with pytest.raises(KeyError, match="'nope' is neither a module"):
        cut_model(model, "nope", x[:1])
    # a float64 model runs: its head casts the maps
    double = Tower().double()
    res = deepresolve.resolve(double, layer="blocks", example_input=x[:1].double(), n_init=2,
                              steps=3, progress=False)  # fmt: skip
    assert res.fivs.dtype == np.float32 and np.isfinite(res.ofiv).all()


def test_resolve_has_no_side_effects_on_the_model():
    model, x = Tower().train(), onehot(2, 30)
    model.stem.eval()
    modes = {n: m.training for n, m in model.named_modules()}
    weights = {k: v.clone() for k, v in model.state_dict().items()}
    with pytest.raises(ValueError, match="meta"):
        deepresolve.resolve(model, layer="blocks", example_input=x[:1], device="meta")
    res = deepresolve.resolve(model, layer="blocks", example_input=x[:1], n_init=2, steps=5,
                              progress=False)  # fmt: skip
    assert res.params["head"] == {"layer": "blocks", "method": "graph", "layout": "NKW",
                                  "removed_activations": ["Sigmoid ('sigmoid')"]}  # fmt: skip
    assert {n: m.training for n, m in model.named_modules()} == modes
    for k, v in model.state_dict().items():
        assert v.device.type == "cpu" and v.dtype == weights[k].dtype
        torch.testing.assert_close(v, weights[k], rtol=0, atol=0)
    assert all(not m._forward_hooks for m in model.modules())


def test_plain_heads_ending_in_an_activation():
    head = nn.Sequential(nn.Flatten(), nn.Linear(6, 2), nn.Sigmoid())
    with pytest.warns(FinalActivationWarning, match="Sigmoid"):
        res = deepresolve.resolve(head, (3, 2), n_init=2, steps=20, progress=False)
    with torch.no_grad():  # the scores are the logits before the sigmoid
        logits = head[:-1](torch.as_tensor(res.fims.reshape(4, 3, 2))).numpy()
    np.testing.assert_allclose(res.scores.ravel(), logits[[0, 1, 2, 3], [0, 0, 1, 1]], atol=1e-6)

    class Probabilities(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(6, 2)

        def forward(self, h):
            return torch.softmax(self.fc(h.flatten(1)), 1)

    with pytest.raises(ValueError, match="comes from a Softmax.*logits=False"):
        deepresolve.resolve(Probabilities(), (3, 2), n_init=2, progress=False)
    kept = deepresolve.resolve(Probabilities(), (3, 2), n_init=2, steps=5, logits=False,
                               progress=False)  # fmt: skip
    assert (kept.scores < 1).all()
    double = nn.Sequential(nn.Flatten(), nn.Linear(6, 2)).double()  # cast, not refused
    assert deepresolve.resolve(double, (3, 2), n_init=2, steps=5, progress=False).fivs.shape == (
        2,
        2,
        3,
    )
    with pytest.raises(ValueError, match="returned a tuple.*output="):
        deepresolve.resolve(TwoHeads(), (3, 2), n_init=2, progress=False)
    res = deepresolve.resolve(TwoHeads(), (3, 2), output=1, n_init=2, steps=5, progress=False)
    assert res.classes.tolist() == [0]


def test_heads_ending_in_a_wide_linear_score_the_target_rows_only():
    from deepresolve.ascent import class_scorer

    class Wide(nn.Module):
        def __init__(self):
            super().__init__()
            torch.manual_seed(5)
            self.conv, self.out = nn.Conv1d(4, 6, 5), nn.Linear(6, 1500)

        def forward(self, x):
            return torch.sigmoid(self.out(torch.relu(self.conv(x)).mean(2)))

    with pytest.warns(FinalActivationWarning):
        head = cut_model(Wide(), "conv", onehot(1, 20)).head
    features, linear = head.split_last_linear()
    assert linear.out_features == 1500
    h, targets = torch.randn(4, 6, 16), torch.tensor([0, 7, 1499, 3])
    with torch.no_grad():
        want = head(h)[torch.arange(4), targets]
        torch.testing.assert_close(class_scorer(head)(h, targets), want)


def test_scripted_sequential_is_cut_and_other_scripts_are_refused():
    from deepresolve.examples.architectures import DeepSEA

    model = small_model()
    with pytest.warns(DeprecationWarning):
        scripted = torch.jit.script(model)
        other = torch.jit.script(DeepSEA(sequence_length=200, n_targets=3, channels=(4, 4, 4)))
    x = torch.randn(3, 4, 20)
    head = cut_model(scripted, "pool", x[:1]).head
    with torch.no_grad():
        torch.testing.assert_close(head(split_sequential(model, "pool")[0](x)), model(x))
    with pytest.raises(TypeError, match="TorchScript DeepSEA cannot be cut"):
        cut_model(other, "conv_net.7", torch.zeros(1, 4, 200))


class TwoHeads(nn.Module):
    def forward(self, h):
        return h.sum((1, 2))[:, None].repeat(1, 2), h.mean((1, 2))[:, None]
