"""Input-level attributions (Fig 3) on a model that detects a planted 6-mer."""

import numpy as np
import pytest
import torch
from torch import nn

from deepresolve.baselines import (
    input_deeplift,
    input_gradient_x_input,
    input_saliency,
    shuffle_references,
    summation_error,
)
from deepresolve.sequences import one_hot

MOTIF = "GCTCAT"


L = 60
STARTS = [4, 23, 41]


def motif_model() -> nn.Sequential:
    """Logit > 0 iff the sequence contains MOTIF: a +-1 filter that fires only on an
    exact match (bias -4.5: 6 matches -> 1.5, 5 matches -> -0.5), ReLU, local max-pool,
    then a small ReLU layer."""
    conv = nn.Conv1d(4, 2, len(MOTIF))
    fc = nn.Linear(2 * ((L - len(MOTIF) + 1) // 4), 3)
    out = nn.Linear(3, 1)
    with torch.no_grad():
        conv.weight.zero_()
        conv.weight[0] = torch.as_tensor(2 * one_hot([MOTIF])[0] - 1)
        conv.weight[1] = torch.as_tensor(2 * one_hot(["TTTTTT"])[0] - 1)  # never planted
        conv.bias[:] = -4.5
        fc.weight.zero_()
        fc.weight[0, : fc.in_features // 2] = 1.0  # motif channel
        fc.weight[1, fc.in_features // 2 :] = 1.0  # TTTTTT channel
        fc.weight[2] = 0.1
        fc.bias[:] = torch.tensor([0.0, 0.0, -0.05])
        out.weight[:] = torch.tensor([[2.0, -1.0, 1.0]])
        out.bias[:] = -1.0
    return nn.Sequential(conv, nn.ReLU(), nn.MaxPool1d(4), nn.Flatten(), fc, nn.ReLU(), out)


def planted_sequences() -> np.ndarray:
    """One sequence per start in STARTS with MOTIF there, background with neither
    MOTIF nor TTTTTT (resampled until so)."""
    rng = np.random.default_rng(0)
    seqs = []
    for start in STARTS:
        while True:
            s = "".join(rng.choice(list("ACGT"), size=L))
            s = s[:start] + MOTIF + s[start + len(MOTIF) :]
            if s.count(MOTIF) == 1 and "TTTTTT" not in s:
                break
        seqs.append(s)
    return one_hot(seqs)


def motif_span(start: int) -> range:
    return range(start, start + len(MOTIF))


def test_model_detects_the_motif():
    model, x = motif_model().eval(), planted_sequences()
    with torch.no_grad():
        assert (model(torch.as_tensor(x))[:, 0] > 0).all()
        x_absent = x.copy()
        x_absent[:, :, STARTS[0]] = np.roll(x_absent[:, :, STARTS[0]], 1, axis=1)
        assert model(torch.as_tensor(x_absent[:1]))[0, 0] < 0


def test_saliency_and_gradient_x_input_peak_on_the_motif():
    model, x = motif_model(), planted_sequences()
    sal = input_saliency(model, x, device="cpu")
    gxi = input_gradient_x_input(model, x, device="cpu")
    assert sal.shape == gxi.shape == x.shape
    assert (gxi[x == 0] == 0).all()
    for i, start in enumerate(STARTS):
        assert np.unravel_index(np.argmax(sal[i]), sal[i].shape)[1] in motif_span(start)
        assert int(np.argmax(gxi[i].sum(0))) in motif_span(start)
        assert sal[i].max() > 0 and gxi[i].max() > 0


@pytest.mark.parametrize("references", ["shuffle", "zeros"])
def test_deeplift_peaks_on_the_motif_and_sums_to_delta(references):
    model, x = motif_model(), planted_sequences()
    attr = input_deeplift(model, x, references=references, n_shuffles=8, seed=0, device="cpu")
    assert attr.shape == x.shape
    assert (attr[x == 0] == 0).all()
    per_pos = attr.sum(1)
    for i, start in enumerate(STARTS):
        assert int(np.argmax(per_pos[i])) in motif_span(start)
        inside = per_pos[i, list(motif_span(start))].sum()
        assert inside > 0.9 * per_pos[i].clip(min=0).sum()
    refs = (
        shuffle_references(x, 8, seed=0)
        if references == "shuffle"
        else np.zeros((len(x), 1, 4, L), dtype=np.float32)
    )
    err, delta = summation_error(model, x, attr, refs, device="cpu")
    assert (delta > 0.5).all()
    assert err.max() < 1e-5 * (1 + delta.max())


def test_deeplift_is_seeded_and_checks_inputs():
    model, x = motif_model(), planted_sequences()
    a = input_deeplift(model, x, n_shuffles=4, seed=3, device="cpu")
    b = input_deeplift(model, x, n_shuffles=4, seed=3, batch_size=4, device="cpu")
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="one-hot"):
        input_deeplift(model, x * 0.5, device="cpu")
    with pytest.raises(ValueError, match="references must"):
        input_deeplift(model, x, references=np.zeros((2, 4, L)), device="cpu")
    with pytest.raises(ValueError, match="references must be"):
        input_deeplift(model, x, references="uniform", device="cpu")
    x_n = x.copy()
    x_n[0, :, 10] = 0
    with pytest.raises(ValueError, match="no N"):
        input_deeplift(model, x_n, device="cpu")
    with pytest.raises(ValueError, match="target=1 out of range"):
        input_deeplift(model, x, target=1, references="zeros", device="cpu")


def test_shuffle_references_keep_dinucleotides_and_are_seeded():
    x = planted_sequences()
    refs = shuffle_references(x, n_shuffles=5, seed=1)
    assert refs.shape == (3, 5, 4, L)
    np.testing.assert_array_equal(refs, shuffle_references(x, n_shuffles=5, seed=1))
    assert not (refs == shuffle_references(x, n_shuffles=5, seed=2)).all()
    # Sequence i's shuffles do not depend on the other sequences.
    x_other = x.copy()
    x_other[0] = x[0, :, ::-1]
    np.testing.assert_array_equal(refs[1:], shuffle_references(x_other, n_shuffles=5, seed=1)[1:])

    def dinucs(o):
        return np.einsum("ai,bi->ab", o[:, :-1], o[:, 1:])

    for i in range(3):
        for r in range(5):
            np.testing.assert_array_equal(dinucs(refs[i, r]), dinucs(x[i]))
    assert not (refs[:, 0] == x).all()
