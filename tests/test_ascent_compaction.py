"""Compaction (stopped starts leave the working set), streamed starts, bounded memory and
reduced precision of the batched ascent."""

import numpy as np
import pytest
import torch
from scipy.stats import spearmanr
from torch import nn

import deepresolve
from deepresolve import ascent


class RowwiseHead(nn.Module):
    """``S_c(H) = sum_k a_ck relu(x_k - u_ck) + d_ck relu(u_ck - x_k)``, ``x = mean_w H``.

    Each channel is V-shaped, so with the L2 penalty it has a local optimum on either side
    of ``u_ck`` and starts differ in where they land and how long they take. Only
    elementwise IEEE operations and per-row sums: a row's arithmetic does not depend on
    the other rows in the batch, so compacted and uncompacted runs agree bit for bit.
    """

    def __init__(self, k: int = 6, n_classes: int = 5, seed: int = 0):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        self.register_buffer("a", torch.rand(n_classes, k, generator=g) * 2 + 0.1)
        self.register_buffer("d", torch.rand(n_classes, k, generator=g) * 2 + 0.1)
        self.register_buffer("u", torch.randn(n_classes, k, generator=g) * 0.5)

    @staticmethod
    def _score(x, a, d, u):
        return (a * torch.relu(x - u) + d * torch.relu(u - x)).sum(-1)

    def forward(self, h):
        return self._score(h.mean(2)[:, None, :], self.a, self.d, self.u)  # (B, C)

    def class_scores(self, h, targets):
        return self._score(h.mean(2), self.a[targets], self.d[targets], self.u[targets])


class RowwiseNoHook(RowwiseHead):
    class_scores = None


@pytest.mark.parametrize("optimizer", ["adam", "plain"])
@pytest.mark.parametrize("head_cls", [RowwiseHead, RowwiseNoHook], ids=["hook", "no-hook"])
def test_compaction_gives_the_uncompacted_result_for_fewer_row_steps(optimizer, head_cls):
    head = head_cls()
    n, k, w = 30, 6, 3
    h0 = ascent.random_starts(n, k, w, seed=4)
    targets = torch.arange(n) % 5
    kwargs = dict(optimizer=optimizer, lr=0.05)
    full = ascent.ascend(head, h0, targets, compact=False, **kwargs)
    for batch_size in (None, 7):
        comp = ascent.ascend(head, h0, targets, batch_size=batch_size, **kwargs)
        for name in ("h", "fiv", "score", "objective", "n_steps", "converged"):
            torch.testing.assert_close(getattr(comp, name), getattr(full, name), rtol=0, atol=0)
        # Each start is evaluated once per step it needs, plus the final evaluation.
        assert comp.row_steps == int((comp.n_steps + 1).sum())
    assert full.n_steps.max() > full.n_steps.min() + 20  # starts stop at different steps
    assert full.row_steps == n * int(full.n_steps.max() + 1)
    assert comp.row_steps < 0.95 * full.row_steps


@pytest.mark.parametrize("optimizer", ["adam", "plain"])
def test_compaction_on_a_relu_network_agrees_within_float_tolerance(optimizer):
    torch.manual_seed(1)
    head = nn.Sequential(nn.Conv1d(5, 8, 3), nn.ReLU(), nn.Flatten(), nn.Linear(8 * 6, 4))
    kwargs = dict(n_init=4, seed=3, optimizer=optimizer, lr=0.05, progress=False)
    old = deepresolve.resolve(head, (5, 8), batch_size=9, compact=False, **kwargs)
    new = deepresolve.resolve(head, (5, 8), batch_size=9, **kwargs)
    for name in ("fims", "scores", "ofiv", "il"):
        np.testing.assert_allclose(getattr(new, name), getattr(old, name), rtol=1e-3, atol=1e-3)
    np.testing.assert_array_equal(new.n_components, old.n_components)
    np.testing.assert_array_equal(new.nonadditive, old.nonadditive)
    assert new.params["row_steps"] == int((new.n_steps + 1).sum())
    assert new.params["row_steps"] < old.params["row_steps"]


def test_many_class_head_memory_follows_batch_size_not_classes():
    torch.manual_seed(2)
    n_classes, k, w = 3000, 4, 2
    head = nn.Sequential(nn.Flatten(), nn.Linear(k * w, 16), nn.ReLU(), nn.Linear(16, n_classes))
    rows_seen = []
    head[0].register_forward_pre_hook(lambda mod, args: rows_seen.append(len(args[0])))
    classes = range(0, n_classes, 20)  # 150 of the 3000 outputs (the GMMs dominate otherwise)
    kwargs = dict(classes=classes, n_init=2, steps=40, seed=0, max_components=2, progress=False)
    whole = deepresolve.resolve(head, (k, w), compact=False, **kwargs)
    assert max(rows_seen) == 300
    rows_seen.clear()
    lean = deepresolve.resolve(head, (k, w), batch_size=32, keep_fims=False, **kwargs)
    # Every evaluation after the probe sees at most batch_size rows.
    assert rows_seen[0] == 2 and max(rows_seen[1:]) == 32
    assert lean.fims is None and lean.fivs.shape == (150, 2, k)
    for name in ("fivs", "scores", "ofiv"):
        np.testing.assert_allclose(getattr(lean, name), getattr(whole, name), atol=1e-4)
    np.testing.assert_array_equal(lean.n_components, whole.n_components)


def test_linear_fast_path_scores_only_the_target_columns():
    torch.manual_seed(3)
    head = nn.Sequential(nn.Flatten(), nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 2000))
    h, targets = torch.randn(5, 3, 2), torch.tensor([0, 7, 1999, 7, 3])
    expected = head(h)[torch.arange(5), targets]
    calls = []
    head[-1].register_forward_hook(lambda *_: calls.append(1))
    torch.testing.assert_close(ascent.class_scorer(head)(h, targets), expected)
    assert calls == []  # the (B, 2000) output was never formed
    small = nn.Sequential(nn.Flatten(), nn.Linear(6, 8))  # few outputs: the full product
    small[-1].register_forward_hook(lambda *_: calls.append(1))
    ascent.class_scorer(small)(h, targets[:1].repeat(5))
    assert calls == [1]


@pytest.mark.parametrize("init", ["normal", "uniform"])
@pytest.mark.parametrize(
    "n, k, w, block, takes",
    [
        (41, 2, 1, 8, [5, 30, 6]),  # 2 values per row: pieces of 8 rows; a 1-row tail
        (10, 5, 3, 3, [1, 1, 8]),  # 15 values per row: pieces of 16 rows
        (3, 2, 2, 1, [1, 1, 1]),  # fewer than 16 values in all: one draw
        (37, 7, 1, 16, [37]),
        (20, 480, 6, 4, [7, 13]),
    ],
)
def test_streamed_starts_equal_one_draw(init, n, k, w, block, takes):
    stream = ascent.StartStream(n, k, w, init, seed=9, block=block)
    pieces = [stream.take(t) for t in takes]
    draw = torch.randn if init == "normal" else torch.rand
    expected = draw(n, k, w, generator=torch.Generator().manual_seed(9))
    torch.testing.assert_close(torch.cat(pieces), expected, rtol=0, atol=0)
    assert stream.left == 0 and len(stream.take(5)) == 0


def test_bf16_runs_on_cpu_and_stays_close_to_float32():
    torch.manual_seed(0)
    head = nn.Sequential(
        nn.Conv1d(6, 16, 3), nn.ReLU(), nn.Flatten(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 3)
    )  # fmt: skip
    kwargs = dict(n_init=6, seed=1, progress=False)
    full = deepresolve.resolve(head, (6, 4), **kwargs)
    half = deepresolve.resolve(head, (6, 4), precision="bf16", **kwargs)
    assert half.fims.dtype == np.float32 and half.params["precision"] == "bf16"
    # bf16 keeps 8 significant bits: the maps move by a few % of their range (measured
    # 9% at most, OFIVs 3%), their channel ranking does not.
    assert np.abs(half.fims - full.fims).max() < 0.15 * np.abs(full.fims).max()
    assert np.abs(half.ofiv - full.ofiv).max() < 0.05 * np.abs(full.ofiv).max()
    for c in range(3):
        assert spearmanr(half.ofiv[c], full.ofiv[c])[0] > 0.99
    np.testing.assert_array_equal(half.nonadditive, full.nonadditive)


def test_tf32_needs_cuda_and_unknown_precision_is_rejected():
    head = nn.Sequential(nn.Flatten(), nn.Linear(3, 2))
    with pytest.raises(ValueError, match="tf32.*CUDA"):
        deepresolve.resolve(head, (3, 1), n_init=2, precision="tf32", device="cpu")
    with pytest.raises(ValueError, match="precision must be one of"):
        deepresolve.resolve(head, (3, 1), n_init=2, precision="fp8", device="cpu")


def test_precision_scope_restores_the_cuda_settings():
    # The settings are plain attributes: they can be exercised without a GPU.
    matmul, conv = torch.backends.cuda.matmul, torch.backends.cudnn.conv
    before = matmul.fp32_precision, conv.fp32_precision
    cuda = torch.device("cuda")
    with ascent.precision_scope("tf32", cuda) as autocast:
        assert (matmul.fp32_precision, conv.fp32_precision, autocast) == ("tf32", "tf32", None)
    assert (matmul.fp32_precision, conv.fp32_precision) == before
    with pytest.raises(KeyError), ascent.precision_scope("float32", cuda) as autocast:
        assert (matmul.fp32_precision, conv.fp32_precision) == ("ieee", "ieee")
        raise KeyError  # restored on errors too
    assert (matmul.fp32_precision, conv.fp32_precision) == before
    with ascent.precision_scope("bf16", cuda) as autocast:
        assert autocast is torch.bfloat16
