"""Enhanced DeepMotif on models whose logit is a PWM scan with a known motif."""

import numpy as np
import pytest
import torch
from torch import nn

from deepresolve.baselines import (
    DeepMotifResult,
    class_score_fn,
    deepmotif_pwms,
    enhanced_deepmotif,
    information_content,
    most_informative_window,
)
from deepresolve.sequences import decode, one_hot

L = 60


N_RANDOM = 5


def motif_pwm(consensus: str, p_consensus: list[float]) -> np.ndarray:
    """(4, w) PWM: consensus base with probability p, the rest split 0.5/0.3/0.2."""
    pwm = np.zeros((4, len(consensus)))
    for j, (base, p) in enumerate(zip(consensus, p_consensus, strict=True)):
        b = "ACGT".index(base)
        others = [o for o in range(4) if o != b]
        pwm[b, j] = p
        pwm[others, j] = (1 - p) * np.array([0.5, 0.3, 0.2])
    return pwm


PWM_A = motif_pwm("TGACTCAGCA", [0.9, 0.7, 0.85, 0.6, 0.95, 0.8, 0.7, 0.55, 0.6, 0.75])
PWM_B = motif_pwm("CCGGAAGTG", [0.8, 0.9, 0.95, 0.95, 0.9, 0.7, 0.6, 0.8, 0.65])


def scan_model(pwm: np.ndarray) -> nn.Sequential:
    """Logit = max over positions of the PWM's log-odds score, minus 3."""
    conv = nn.Conv1d(4, 1, pwm.shape[1])
    with torch.no_grad():
        conv.weight[0] = torch.as_tensor(np.log2(pwm / 0.25), dtype=torch.float32)
        conv.bias.fill_(-3.0)
    return nn.Sequential(conv, nn.AdaptiveMaxPool1d(1), nn.Flatten())


def consensus(pwm: np.ndarray) -> str:
    return decode((pwm == pwm.max(0)).astype(np.float32)[None])[0]


def test_recovers_the_planted_motif():
    pwm = PWM_A
    res = enhanced_deepmotif(
        class_score_fn(scan_model(pwm)), L, n_random=N_RANDOM, seed=0, device="cpu"
    )
    assert res.inputs.shape == (1, 1 + N_RANDOM, 4, L)
    assert res.converged.all() and res.n_steps < 5000
    assert (res.inputs >= 0).all()
    top = deepmotif_pwms(res, top=5, width=pwm.shape[1])
    assert len(top) == 5
    assert [s for s, _ in top] == sorted((s for s, _ in top), reverse=True)
    score, found = top[0]
    assert score == pytest.approx(res.scores.max())
    np.testing.assert_allclose(found.sum(0), 1.0)
    assert consensus(found) == consensus(pwm) == "TGACTCAGCA"
    assert np.corrcoef(found.ravel(), pwm.ravel())[0, 1] > 0.8
    # All five top windows carry the motif.
    assert all(consensus(p) == "TGACTCAGCA" for _, p in top)


def test_is_deterministic_for_a_seed():
    score_fn = class_score_fn(scan_model(PWM_A))
    a = enhanced_deepmotif(score_fn, L, n_random=N_RANDOM, steps=200, seed=1, device="cpu")
    b = enhanced_deepmotif(score_fn, L, n_random=N_RANDOM, steps=200, seed=1, device="cpu")
    c = enhanced_deepmotif(score_fn, L, n_random=N_RANDOM, steps=200, seed=2, device="cpu")
    for field in ("inputs", "scores", "best_step", "stopped_at", "converged"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert not np.array_equal(a.inputs, c.inputs)
    # Start 0 is the all-0.25 one and is seed-independent.
    np.testing.assert_array_equal(a.inputs[0, 0], c.inputs[0, 0])


def test_batched_models_match_separate_runs():
    fa = class_score_fn(scan_model(PWM_A))
    fb = class_score_fn(scan_model(PWM_B))
    s = 1 + N_RANDOM

    def stacked(x):  # rows are model-major: model 0's starts, then model 1's
        return torch.cat([fa(x[:s]), fb(x[s:])])

    def with_models(x, models):
        return torch.where(models == 0, fa(x), fb(x))

    kw = dict(n_random=N_RANDOM, steps=400, seed=0, device="cpu")
    both = enhanced_deepmotif(stacked, L, n_models=2, **kw)
    chunked = enhanced_deepmotif(with_models, L, n_models=2, batch_size=s, **kw)
    alone_b = enhanced_deepmotif(fb, L, **kw)
    np.testing.assert_allclose(both.inputs[1], alone_b.inputs[0], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(chunked.inputs, both.inputs, rtol=1e-5, atol=1e-5)
    assert consensus(deepmotif_pwms(both, 1, 10, model=0)[0][1]) == "TGACTCAGCA"
    assert consensus(deepmotif_pwms(both, 1, 9, model=1)[0][1]) == "CCGGAAGTG"
    with pytest.raises(ValueError, match="models"):
        enhanced_deepmotif(stacked, L, n_models=2, batch_size=s, **kw)


def test_bad_input_raises_clear_errors(tmp_path):
    score_fn = class_score_fn(scan_model(PWM_A))
    with pytest.raises(ValueError, match="n_random must be >= 1"):
        enhanced_deepmotif(score_fn, L, n_random=0, device="cpu")
    with pytest.raises(ValueError, match="length must be >= 1"):
        enhanced_deepmotif(score_fn, 0, device="cpu")
    with pytest.raises(ValueError, match="one logit per row"):
        enhanced_deepmotif(lambda x: scan_model(PWM_A)(x), L, steps=2, device="cpu")
    res = enhanced_deepmotif(score_fn, 20, n_random=1, steps=5, device="cpu")
    with pytest.raises(ValueError, match="longer than the input length 20"):
        deepmotif_pwms(res, top=5, width=25)
    with pytest.raises(ValueError, match="model=1 out of range"):
        deepmotif_pwms(res, model=1, width=10)
    with pytest.raises(ValueError, match="longer than the input length 20"):
        most_informative_window(np.ones((4, 20)), width=25)
    with pytest.raises(ValueError, match=r"shape \(4, L\)"):
        most_informative_window(np.ones((20, 4)), width=5)
    res.save(tmp_path / "dm.npz")
    back = DeepMotifResult.load(tmp_path / "dm.npz")
    np.testing.assert_array_equal(back.inputs, res.inputs)
    assert back.n_steps == res.n_steps


def test_most_informative_window_and_information_content():
    x = np.zeros((4, 30))  # all-zero columns read as uniform: 0 bits
    x[:, 7:12] = one_hot(["ACGTA"])[0]
    x[:, 20] = [0.5, 0.5, 0, 0]  # 1 bit, not enough to win
    start, pwm = most_informative_window(x, width=5)
    assert start == 7
    np.testing.assert_array_equal(pwm, one_hot(["ACGTA"])[0])
    ic = information_content(
        np.array([[0.25, 1.0, 0.5], [0.25, 0, 0.5], [0.25, 0, 0], [0.25, 0, 0]])
    )
    np.testing.assert_allclose(ic, [0.0, 2.0, 1.0])
