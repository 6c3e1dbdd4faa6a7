from collections import OrderedDict

import numpy as np
import pytest
import torch
from torch import nn

from deepresolve.layers import ReplacedLayerHead, feature_maps, layer_output, split_sequential


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
    model = small_model()
    _, head = split_sequential(model, "pool")
    generic = ReplacedLayerHead(model, "pool", example_input=torch.zeros(1, 4, 20))
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
