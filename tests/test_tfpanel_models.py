"""The TF-panel CNN and its batched panel: members, heads, row scores, batched training."""

import numpy as np
import pytest
import torch

import deepresolve
from deepresolve.layers import split_sequential
from deepresolve.paper.tfpanel.models import (
    LAYER,
    filter_weights,
    load_panel,
    panel_head,
    panel_member,
    panel_score_fn,
    save_panel,
    tf_panel,
)
from deepresolve.paper.tfpanel.panel import (
    PanelData,
    encode,
    fit_panel,
    one_hot_codes,
    panel_logits,
)
from deepresolve.training import TrainConfig

E, L = 3, 41


def random_panel(seed=0):
    panel = tf_panel(E, width=9, seed=seed).eval()
    with torch.no_grad():  # non-trivial biases so that every path is exercised
        for p in panel.parameters():
            p.add_(0.1 * torch.randn_like(p))
    return panel


def test_members_reproduce_the_panel():
    panel = random_panel()
    x = torch.rand(5, E, 4, L)
    with torch.no_grad():
        out = panel(x.reshape(5, 4 * E, L))
        for e in range(E):
            member = panel_member(panel, e)
            assert torch.allclose(member(x[:, e]), out[:, e : e + 1], atol=1e-5)


def test_panel_head_and_row_scores_match_members():
    panel = random_panel(1)
    h = torch.randn(4, 16, 1)
    x = torch.rand(6, 4, L)
    models = torch.tensor([0, 2, 1, 1, 0, 2])
    with torch.no_grad():
        heads = panel_head(panel)(h)
        rows = panel_score_fn(panel)(x, models=models)
        for e in range(E):
            body, head = split_sequential(panel_member(panel, e), LAYER)
            assert torch.allclose(heads[:, e : e + 1], head(h), atol=1e-5)
            sel = models == e
            assert torch.allclose(rows[sel], panel_member(panel, e)(x[sel])[:, 0], atol=1e-5)


class FullPanelHead(torch.nn.Module):
    """Reference head: every member's own head on every row, concatenated (the E**2 way)."""

    def __init__(self, panel):
        super().__init__()
        self.heads = torch.nn.ModuleList(
            split_sequential(panel_member(panel, e), LAYER)[1] for e in range(E)
        )

    def forward(self, h):
        return torch.cat([head(h) for head in self.heads], dim=1)


def test_per_row_panel_head_equals_the_full_panel_head():
    panel = random_panel(3)
    head, full = panel_head(panel), FullPanelHead(panel).eval()
    h = torch.randn(9, 16, 1)
    targets = torch.tensor([0, 1, 2, 2, 1, 0, 0, 1, 2])
    with torch.no_grad():
        every = full(h)
        assert torch.allclose(head(h), every, atol=1e-5)
        rows = head.class_scores(h, targets)
        assert torch.allclose(rows, every[torch.arange(9), targets], atol=1e-5)
    # The hook carries gradients: DeepResolve through it equals DeepResolve on the full head.
    kw = dict(
        n_init=4, l2=1.0, optimizer="plain", init="uniform", lr=0.01, steps=300, progress=False
    )
    a = deepresolve.resolve(head, (16, 1), **kw)
    b = deepresolve.resolve(full, (16, 1), **kw)
    # (float32 sums in another order: equal to ~1e-5 after hundreds of steps)
    np.testing.assert_allclose(a.fivs, b.fivs, atol=1e-4)
    np.testing.assert_allclose(a.ofiv, b.ofiv, atol=1e-4)
    assert np.abs(a.ofiv).max() > 0.05
    with pytest.raises(ValueError, match=r"\(N, 16, 1\)"):
        head(torch.randn(2, 16, 3))


def test_save_load_roundtrip(tmp_path):
    panel = random_panel(2)
    save_panel(tmp_path / "p.pt", panel, ["a", "b", "c"])
    loaded, names = load_panel(tmp_path / "p.pt")
    assert names == ["a", "b", "c"]
    np.testing.assert_array_equal(filter_weights(loaded), filter_weights(panel))
    with pytest.raises(ValueError, match="names"):
        save_panel(tmp_path / "q.pt", panel, ["a"])


def test_encode_and_one_hot():
    codes = encode(["ACGTN", "acgtA"])
    assert codes.tolist() == [[0, 1, 2, 3, 4], [0, 1, 2, 3, 0]]
    x = one_hot_codes(codes)
    assert x.shape == (2, 4, 5)
    assert x[0, :, 4].sum() == 0 and x[0, 2, 2] == 1
    with pytest.raises(ValueError, match="equal length"):
        encode(["AC", "A"])


def motif_sets(rng, n, motifs, shuffle_labels=()):
    """Per model: random 41-bp sequences, label 1 iff its motif was planted."""
    sets = []
    for e, motif in enumerate(motifs):
        seqs = rng.integers(0, 4, size=(n, L)).astype(np.uint8)
        y = rng.integers(0, 2, n).astype(np.int8)
        at = rng.integers(0, L - len(motif), n)
        for i in np.flatnonzero(y):
            seqs[i, at[i] : at[i] + len(motif)] = encode([motif])[0]
        if e in shuffle_labels:
            y = rng.permutation(y)
        sets.append((seqs, y))
    return sets


def test_fit_panel_learns_each_model_independently():
    rng = np.random.default_rng(0)
    motifs = ["GATTACAGG", "CCGCGTTAA"]
    train = PanelData.stack(motif_sets(rng, 600, motifs))
    val = PanelData.stack(motif_sets(rng, 200, motifs))
    cfg = TrainConfig(epochs=4, batch_size=32, lr=3e-3, patience=10, max_norm=3.0, seed=0)
    panel = tf_panel(2, width=9, seed=0)
    fit_panel(panel, train, val, cfg)
    test = PanelData.stack(motif_sets(rng, 300, motifs))
    from deepresolve.paper.tfpanel.panel import panel_auc

    auc = panel_auc(panel_logits(panel, test), test)
    assert (auc > 0.95).all(), auc
    # Model 0 is unaffected by model 1's data: same weights when model 1's labels are noise.
    noisy = PanelData(train.codes, train.labels.copy(), train.n)
    noisy.labels[1] = np.random.default_rng(1).permutation(noisy.labels[1])
    other = tf_panel(2, width=9, seed=0)
    fit_panel(other, noisy, val, cfg)
    w, w2 = filter_weights(panel), filter_weights(other)
    np.testing.assert_allclose(w[0], w2[0], atol=1e-5)
    assert not np.allclose(w[1], w2[1], atol=1e-3)
    norms = np.linalg.norm(w.reshape(2, 16, -1), axis=2)
    assert norms.max() <= 3.0 + 1e-5  # max-norm constraint


def test_panel_data_split_and_select():
    rng = np.random.default_rng(0)
    data = PanelData.stack(motif_sets(rng, 50, ["ACGTACGT", "TTTTGGGG"]), ["a", "b"])
    rest, held = data.split(0.2, seed=0)
    assert held.n.tolist() == [10, 10] and rest.n.tolist() == [40, 40]
    pos = data.select(1, limit=5)
    assert (pos.labels[pos.mask] == 1).all() and pos.n.max() <= 5
    with pytest.raises(ValueError, match="empty"):
        PanelData.stack([(np.zeros((0, L), np.uint8), np.zeros(0, np.int8))])
