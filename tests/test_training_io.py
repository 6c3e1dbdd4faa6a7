import os
from collections import OrderedDict

import numpy as np
import pandas as pd
import pytest
import torch
from torch import nn

from deepresolve.io import atomic_path, save_torch, write_tsv
from deepresolve.sequences import one_hot, random_sequences
from deepresolve.training import TrainConfig, apply_max_norm, auc_per_class, fit, predict_logits


def planted_data(n, rng):
    seqs = random_sequences(n, 30, rng)
    y = rng.integers(0, 2, size=n)
    seqs = [s[:10] + "GATTACA" + s[17:] if lab else s for s, lab in zip(seqs, y, strict=True)]
    return one_hot(seqs), y[:, None].astype(np.float32)


def tiny_model():
    return nn.Sequential(
        OrderedDict(
            conv=nn.Conv1d(4, 4, 7), relu=nn.ReLU(), pool=nn.AdaptiveMaxPool1d(1),
            flat=nn.Flatten(), out=nn.Linear(4, 1),
        )
    )  # fmt: skip


def test_fit_learns_a_planted_motif_deterministically():
    rng = np.random.default_rng(0)
    x, y = planted_data(600, rng)
    xv, yv = planted_data(200, rng)
    cfg = TrainConfig(epochs=15, batch_size=32, lr=1e-2, seed=0, max_norm=3.0)
    runs = []
    for _ in range(2):
        torch.manual_seed(0)
        model = tiny_model()
        hist = fit(model, x, y, xv, yv, cfg)
        runs.append(predict_logits(model, xv))
    assert auc_per_class(yv, runs[0])[0] > 0.95
    np.testing.assert_array_equal(runs[0], runs[1])
    assert min(hist.val_loss) == hist.val_loss[hist.best_epoch]
    norms = model.conv.weight.flatten(1).norm(dim=1)
    assert (norms <= 3.0 + 1e-5).all()


def test_fit_rejects_bad_shapes():
    x = np.zeros((4, 4, 10), np.float32)
    with pytest.raises(ValueError, match=r"train labels must be \(N, C\)"):
        fit(tiny_model(), x, np.zeros(4), x, np.zeros((4, 1)))
    with pytest.raises(ValueError, match="validation inputs must be one-hot"):
        fit(tiny_model(), x, np.zeros((4, 1)), np.zeros((4, 5, 10)), np.zeros((4, 1)))


def test_max_norm_clips_only_long_filters():
    conv = nn.Conv1d(2, 3, 2)
    with torch.no_grad():
        conv.weight.copy_(torch.tensor([[[3.0, 0], [4, 0]], [[0.1, 0], [0, 0]], [[6, 0], [0, 8]]]))
    apply_max_norm(nn.Sequential(conv), 5.0)
    np.testing.assert_allclose(
        conv.weight.detach().flatten(1).norm(dim=1).numpy(), [5.0, 0.1, 5.0], rtol=1e-6
    )


def test_auc_per_class_handles_single_label_columns():
    y = np.array([[1, 0], [0, 0], [1, 0], [0, 0]])
    s = np.array([[0.9, 0.1], [0.1, 0.2], [0.8, 0.3], [0.3, 0.4]])
    auc = auc_per_class(y, s)
    assert auc[0] == 1.0 and np.isnan(auc[1])


def test_atomic_path_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "sub" / "out.tsv"
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("partial")
        raise RuntimeError("interrupted")
    assert not target.exists() and list(target.parent.iterdir()) == []
    import pandas as pd

    write_tsv(target, pd.DataFrame({"a": [1]}))
    assert target.read_text() == "a\n1\n"


def test_atomic_outputs_get_the_usual_file_mode(tmp_path):
    old = os.umask(0o022)
    try:
        write_tsv(tmp_path / "t.tsv", pd.DataFrame({"a": [1]}))
    finally:
        os.umask(old)
    assert (tmp_path / "t.tsv").stat().st_mode & 0o777 == 0o644


def test_save_torch_gives_the_same_bytes_for_the_same_weights(tmp_path):
    # torch.save to a path names the archive's inner folder after the (random) temporary
    # file; through save_torch two saves of the same weights are byte-identical
    torch.manual_seed(0)
    state = nn.Linear(4, 2).state_dict()
    a, b = tmp_path / "a.pt", tmp_path / "sub" / "b.pt"
    save_torch(a, {"state": state})
    save_torch(b, {"state": state})
    assert a.read_bytes() == b.read_bytes()
    loaded = torch.load(b, weights_only=True)["state"]
    assert all(torch.equal(loaded[k], state[k]) for k in state)
    assert list(tmp_path.rglob(".*")) == []  # no temporary file left behind
