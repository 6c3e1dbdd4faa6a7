"""Intermediate-layer baselines: saliency, gradient x input, exact DeepLIFT, importance."""

import warnings

import numpy as np
import pytest
import torch
from torch import nn

from deepresolve.baselines import (
    channel_importance,
    global_max_rule,
    layer_deeplift,
    layer_gradient_x_input,
    layer_saliency,
    summation_error,
)

K, W = 16, 101


def tf_head(pool: nn.Module, seed: int = 0, dtype=torch.float64) -> nn.Sequential:
    """The TF-panel head: global max over positions -> flatten -> 32 ReLU -> dropout -> 1."""
    torch.manual_seed(seed)
    return nn.Sequential(
        pool, nn.Flatten(), nn.Linear(K, 32), nn.ReLU(), nn.Dropout(0.1), nn.Linear(32, 1)
    ).to(dtype)


def local_pool_head(kernel: int, stride: int, seed: int = 0) -> nn.Sequential:
    """Synthetic-model-like head: local max-pool -> flatten -> 32 ReLU -> dropout -> 2."""
    torch.manual_seed(seed)
    n = (W - kernel) // stride + 1
    return nn.Sequential(
        nn.MaxPool1d(kernel, stride),
        nn.Flatten(),
        nn.Linear(K * n, 32),
        nn.ReLU(),
        nn.Dropout(0.2),
        nn.Linear(32, 2),
    ).double()


def relu_maps(n: int, seed: int) -> np.ndarray:
    """ReLU-like feature maps (many exact zeros), float64 ``(n, K, W)``."""
    rng = np.random.default_rng(seed)
    return np.maximum(rng.normal(size=(n, K, W)), 0)


class GlobalMax(nn.Module):
    """A custom global max module, as a user might write one (no DeepLIFT rule)."""

    def forward(self, x):
        return x.amax(-1)


# --- saliency and gradient x input -----------------------------------------------


def test_saliency_of_linear_head_is_its_weights():
    torch.manual_seed(0)
    head = nn.Sequential(nn.Flatten(), nn.Linear(4 * 7, 3))
    h = np.random.default_rng(0).normal(size=(5, 4, 7)).astype(np.float32)
    weight = head[1].weight.detach().numpy().reshape(3, 4, 7)
    for target in range(3):
        sal = layer_saliency(head, h, target=target, batch_size=2, device="cpu")
        assert sal.shape == (5, 4, 7)
        np.testing.assert_array_equal(sal, np.broadcast_to(weight[target], sal.shape))
        gxi = layer_gradient_x_input(head, h, target=target, batch_size=2, device="cpu")
        np.testing.assert_array_equal(gxi, weight[target] * h)


def test_saliency_restores_training_mode_and_rejects_bad_target():
    head = nn.Sequential(nn.Flatten(), nn.Linear(6, 2), nn.Dropout(0.5)).train()
    h = np.ones((3, 2, 3), dtype=np.float32)
    a = layer_saliency(head, h, target=1, device="cpu")
    b = layer_saliency(head, h, target=1, device="cpu")
    np.testing.assert_array_equal(a, b)  # dropout is off during attribution
    assert head.training
    with pytest.raises(ValueError, match="target=2 out of range"):
        layer_saliency(head, h, target=2, device="cpu")
    with pytest.raises(ValueError, match=r"\(N, K, W\)"):
        layer_saliency(head, h[0], target=0, device="cpu")


def test_channel_importance_mean_and_max():
    attr = np.zeros((2, 3, 4))
    attr[0, 0] = [1, 2, 3, 6]  # mean 3, max 6
    attr[1, 0] = [0, 0, 0, 2]  # mean 0.5, max 2
    attr[:, 2] = -1.0
    np.testing.assert_allclose(channel_importance(attr), [1.75, 0.0, -1.0])
    np.testing.assert_allclose(channel_importance(attr, reduce="max"), [4.0, 0.0, -1.0])
    with pytest.raises(ValueError, match="reduce"):
        channel_importance(attr, reduce="sum")
    with pytest.raises(ValueError, match=r"\(N, K, W\)"):
        channel_importance(attr[0])


# --- DeepLIFT: exactness ------------------------------------------------------------


def per_sequence_refs(n: int, r: int, seed: int) -> np.ndarray:
    return relu_maps(n * r, seed).reshape(n, r, K, W)


@pytest.mark.parametrize("pool", ["MaxPool1d(W)", "AdaptiveMaxPool1d(1)"])
@pytest.mark.parametrize("refs", ["zeros", "per-sequence"])
def test_layer_deeplift_sums_to_delta_on_tf_head(pool, refs):
    head = tf_head(nn.MaxPool1d(W) if pool == "MaxPool1d(W)" else nn.AdaptiveMaxPool1d(1))
    h = relu_maps(12, seed=1)
    ref = None if refs == "zeros" else per_sequence_refs(12, 3, seed=2)
    attr = layer_deeplift(head, h, reference=ref, batch_size=8, device="cpu")
    assert attr.shape == h.shape
    full_ref = np.zeros((12, 1, K, W)) if ref is None else ref
    err, delta = summation_error(head, h, attr, full_ref, device="cpu")
    assert np.abs(delta).min() > 1e-3  # a real difference to explain
    assert err.max() < 1e-10 * (1 + np.abs(delta).max())
    # Only the position that wins the max (in h or in a reference) gets a score.
    if ref is None:
        assert ((attr != 0).sum(axis=2) <= 1).all()


def test_layer_deeplift_float32_error_is_small():
    head = tf_head(nn.AdaptiveMaxPool1d(1), dtype=torch.float32)
    h = relu_maps(20, seed=3).astype(np.float32)
    ref = per_sequence_refs(20, 2, seed=4).astype(np.float32)
    attr = layer_deeplift(head, h, reference=ref, device="cpu")
    err, delta = summation_error(head, h, attr, ref, device="cpu")
    assert err.max() < 1e-5 * (1 + np.abs(delta).max())


@pytest.mark.parametrize("kernel,stride", [(4, 4), (4, 2)])
def test_layer_deeplift_sums_to_delta_with_local_maxpool(kernel, stride):
    head = local_pool_head(kernel, stride)
    h = relu_maps(10, seed=5)
    ref = per_sequence_refs(10, 2, seed=6)
    for target in (0, 1):
        attr = layer_deeplift(head, h, target=target, reference=ref, device="cpu")
        err, delta = summation_error(head, h, attr, ref, target=target, device="cpu")
        assert err.max() < 1e-10 * (1 + np.abs(delta).max())


def test_layer_deeplift_shared_reference_and_linear_head():
    torch.manual_seed(0)
    head = nn.Sequential(nn.Flatten(), nn.Linear(K * W, 1)).double()
    h = relu_maps(4, seed=7)
    ref = relu_maps(1, seed=8)[0]
    attr = layer_deeplift(head, h, reference=ref, device="cpu")
    weight = head[1].weight.detach().numpy().reshape(K, W)
    np.testing.assert_allclose(attr, weight * (h - ref), rtol=1e-12, atol=1e-15)
    with pytest.raises(ValueError, match="reference must have shape"):
        layer_deeplift(head, h, reference=ref[:, :10], device="cpu")


def captum_summation_error(head, h, ref):
    from captum.attr import DeepLift

    ht, rt = torch.as_tensor(h), torch.as_tensor(ref)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        attr = DeepLift(head.eval()).attribute(ht.clone(), baselines=rt, target=0)
    err, delta = summation_error(head, h, attr.detach(), rt[:, None], device="cpu")
    return err, delta


def test_captum_deeplift_breaks_summation_on_overlapping_maxpool():
    """Why tangermeme: captum 0.9's max-pool rule unpools by assignment, so when pooling
    windows overlap (here MaxPool1d(4, stride=2)) contributions are lost; tangermeme's
    scatter-add keeps them. With non-overlapping windows captum is exact too, and with
    AdaptiveMaxPool1d (no captum rule) it is only exact for position-constant references."""
    h = relu_maps(10, seed=9)
    ref = relu_maps(10, seed=10)
    head = local_pool_head(4, 2)
    err, delta = captum_summation_error(head, h, ref)
    assert np.median(err / np.abs(delta)) > 0.05
    ours = layer_deeplift(head, h, reference=ref[:, None], device="cpu")
    err_ours, _ = summation_error(head, h, ours, ref[:, None], device="cpu")
    assert err_ours.max() < 1e-10 * (1 + np.abs(delta).max())

    err, delta = captum_summation_error(local_pool_head(4, 4), h, ref)
    assert err.max() < 1e-10 * (1 + np.abs(delta).max())

    err, delta = captum_summation_error(tf_head(nn.AdaptiveMaxPool1d(1)), h, ref)
    assert np.median(err / np.abs(delta)) > 0.05


def test_tangermeme_alone_treats_adaptive_maxpool_as_linear():
    """Without deepresolve's rule tangermeme is wrong on AdaptiveMaxPool1d for a
    reference that varies over positions, which is why DEEPLIFT_RULES adds one."""
    from tangermeme.deep_lift_shap import deep_lift_shap

    head = tf_head(nn.AdaptiveMaxPool1d(1))
    h, ref = relu_maps(10, seed=11), per_sequence_refs(10, 1, seed=12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mult = deep_lift_shap(
            head,
            torch.as_tensor(h),
            references=torch.as_tensor(ref),
            raw_outputs=True,
            only_warn=True,
            device="cpu",
        )
    attr = ((h[:, None] - ref) * mult.numpy()).mean(1)
    err, delta = summation_error(head, h, attr, ref, device="cpu")
    assert np.median(err / np.abs(delta)) > 0.05


def test_unsupported_op_is_caught_and_can_be_registered():
    head = tf_head(GlobalMax())
    h, ref = relu_maps(6, seed=13), per_sequence_refs(6, 2, seed=14)
    with pytest.raises(RuntimeError, match="additional_nonlinear_ops"):
        layer_deeplift(head, h, reference=ref, device="cpu")
    attr = layer_deeplift(
        head, h, reference=ref, device="cpu", additional_nonlinear_ops={GlobalMax: global_max_rule}
    )
    err, delta = summation_error(head, h, attr, ref, device="cpu")
    assert err.max() < 1e-10 * (1 + np.abs(delta).max())


def test_layer_deeplift_does_not_depend_on_batch_size():
    head = tf_head(nn.AdaptiveMaxPool1d(1))
    h, ref = relu_maps(7, seed=15), per_sequence_refs(7, 3, seed=16)
    a = layer_deeplift(head, h, reference=ref, batch_size=3, device="cpu")
    b = layer_deeplift(head, h, reference=ref, batch_size=64, device="cpu")
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
