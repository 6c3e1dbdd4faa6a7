import numpy as np
import pytest
from joblib import parallel_config

from deepresolve.ofiv import (
    fit_components,
    inconsistency_level,
    overall_importance,
    summarize,
    trial_weights,
)


def test_trial_weights_shift_negative_scores_to_zero():
    w = trial_weights(np.array([[3.0, -1.0, 1.0], [2.0, 4.0, 1.0], [-2.0, -2.0, -2.0]]))
    np.testing.assert_allclose(w[0], [4.0, 0.0, 2.0])  # shifted by the minimum
    np.testing.assert_allclose(w[1], [2.0, 4.0, 1.0])  # all non-negative: unchanged
    np.testing.assert_allclose(w[2], [1.0, 1.0, 1.0])  # all equal and negative: uniform


def test_inconsistency_level_is_weighted_population_variance():
    rng = np.random.default_rng(0)
    fivs, weights = rng.normal(size=(3, 7, 5)), rng.uniform(0.1, 2, size=(3, 7))
    il = inconsistency_level(fivs, weights)
    for c in range(3):
        for k in range(5):
            ref = np.cov(fivs[c, :, k], aweights=weights[c], ddof=0)
            assert il[c, k] == pytest.approx(float(ref))


def test_gmm_separates_high_il_channels():
    il = np.r_[np.full(12, 1e-4) + np.linspace(0, 1e-4, 12), [0.5, 0.55]]
    fit = fit_components(il)
    assert fit.n_components >= 2
    np.testing.assert_array_equal(np.flatnonzero(fit.nonadditive), [12, 13])
    flat = fit_components(np.random.default_rng(1).normal(1.0, 0.1, size=16))
    assert flat.n_components == 1 and not flat.nonadditive.any()


def test_ofiv_positive_trials_only_for_inconsistent_nonadditive_channels():
    fivs = np.array([[[1.0, 2.0, -1.0], [-1.0, 2.0, -3.0], [3.0, 2.0, -2.0]]])  # (1, 3, 3)
    weights = np.array([[1.0, 1.0, 2.0]])
    nonadditive = np.array([[True, True, False]])
    ofiv = overall_importance(fivs, weights, nonadditive)
    # channel 0: sign-inconsistent and non-additive -> weighted mean of trials 0 and 2
    assert ofiv[0, 0] == pytest.approx((1 * 1 + 2 * 3) / 3)
    assert ofiv[0, 1] == pytest.approx(2.0)  # consistent sign: plain weighted mean
    assert ofiv[0, 2] == pytest.approx((-1 - 3 - 4) / 4)  # additive: weighted mean
    # the same inconsistent channel marked additive keeps the full weighted mean
    additive = overall_importance(fivs, weights, np.zeros_like(nonadditive))
    assert additive[0, 0] == pytest.approx((1 - 1 + 6) / 4)


def test_summarize_validates_shapes():
    with pytest.raises(ValueError, match="fivs must be"):
        summarize(np.zeros((2, 3)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="scores"):
        summarize(np.zeros((2, 3, 4)), np.zeros((2, 4)))


def test_gmm_fits_split_over_workers_give_the_same_summary():
    rng = np.random.default_rng(5)
    fivs, scores = rng.normal(size=(5, 4, 12)), rng.normal(size=(5, 4))
    one = summarize(fivs, scores, seed=2)
    # Threads instead of processes: checks the split and the order, not process start-up.
    with parallel_config(backend="threading"):
        two = summarize(fivs, scores, seed=2, n_jobs=2)
    for name in ("n_components", "bic", "nonadditive", "ofiv"):
        np.testing.assert_array_equal(getattr(two, name), getattr(one, name))


def test_fivs_within_the_sign_tolerance_count_as_zero():
    # Channels 0 and 1 are equal in every start up to +-1e-5 noise at their zero optimum;
    # channel 2 is a sign-inconsistent channel well outside the tolerance.
    fivs = np.array([[[1.0, 1.0, 0.8], [1e-5, -1e-5, -0.6], [-1e-5, 1e-5, 0.7],
                      [1.0, 1.0, -0.5]]])  # fmt: skip
    weights, nonadditive = np.ones((1, 4)), np.ones((1, 3), bool)
    ofiv = overall_importance(fivs, weights, nonadditive)
    assert ofiv[0, 0] == ofiv[0, 1] == pytest.approx(1.0)  # positive starts only
    assert ofiv[0, 2] == pytest.approx(0.75)
    exact = fivs.copy()
    exact[np.abs(exact) < 1e-4] = 0.0  # the documented rule with exact zeros
    np.testing.assert_allclose(overall_importance(exact, weights, nonadditive, sign_rtol=0), ofiv)
    # without a tolerance the noise decides: channel 0 averages starts 0, 1, 3; channel 1
    # starts 0, 2, 3
    plain = overall_importance(fivs, weights, nonadditive, sign_rtol=0)
    assert plain[0, 0] == pytest.approx((2 + 1e-5) / 3) and plain[0, 0] == plain[0, 1]
    fivs[0, 2, 1] = -2e-5  # channel 1 now has one positive start fewer than channel 0
    assert overall_importance(fivs, weights, nonadditive, sign_rtol=0)[0, 1] == 1.0
    assert overall_importance(fivs, weights, nonadditive)[0, 1] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="sign_rtol"):
        overall_importance(fivs, weights, nonadditive, sign_rtol=-1)


def test_tolerance_is_relative_to_each_class():
    # the same FIVs scaled by 1e-3 in a second class: the same OFIVs, scaled
    fivs = np.array([[[1.0, 1e-5], [1.0, -0.5], [1e-5, 0.4]]])
    both = np.concatenate([fivs, fivs * 1e-3])
    ofiv = overall_importance(both, np.ones((2, 3)), np.ones((2, 2), bool))
    np.testing.assert_allclose(ofiv[1], ofiv[0] * 1e-3)
