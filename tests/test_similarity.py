import numpy as np
import pytest

import deepresolve
from deepresolve.similarity import label_correlation, signed_ofiv_correlation, weight_cosine


def test_class_similarity_matches_numpy_on_nonnegative_ofiv():
    ofiv = np.random.default_rng(0).normal(size=(6, 20))
    sim = deepresolve.class_similarity(ofiv)
    np.testing.assert_allclose(sim, np.corrcoef(np.maximum(ofiv, 0)), atol=1e-12)
    np.testing.assert_allclose(sim, sim.T)
    np.testing.assert_allclose(np.diag(sim), 1.0)
    np.testing.assert_allclose(signed_ofiv_correlation(ofiv), np.corrcoef(ofiv), atol=1e-12)


def test_negative_channels_do_not_count_towards_similarity():
    # Classes 0 and 1 share positive channels and differ only in their negative ones.
    a = np.array([2.0, 1.0, 0.0, -3.0, 0.0, 0.0])
    b = np.array([2.0, 1.0, 0.0, 0.0, -3.0, 0.0])
    c = np.array([0.0, 0.0, 2.0, 0.0, 0.0, 1.0])
    sim = deepresolve.class_similarity(np.stack([a, b, c]))
    assert sim[0, 1] == pytest.approx(1.0)
    assert sim[0, 2] < 0
    assert signed_ofiv_correlation(np.stack([a, b, c]))[0, 1] < 0.5


def test_constant_rows_get_zero_similarity_with_a_warning():
    ofiv = np.array([[-1.0, -2.0, -0.5], [1.0, 0.0, 2.0], [2.0, 0.1, 3.0]])
    with pytest.warns(UserWarning, match="constant row"):
        sim = deepresolve.class_similarity(ofiv)
    assert sim[0, 1] == 0 and sim[0, 0] == 1
    assert np.isfinite(sim).all()


def test_class_difference():
    ofiv = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(deepresolve.class_difference(ofiv, 2, 0), [8.0] * 4)
    with pytest.raises(IndexError, match="class j=3"):
        deepresolve.class_difference(ofiv, 0, 3)


def test_label_correlation_and_weight_cosine():
    labels = np.random.default_rng(1).integers(0, 2, size=(200, 4))
    np.testing.assert_allclose(label_correlation(labels), np.corrcoef(labels.T), atol=1e-12)
    w = np.array([[1.0, 0.0], [0.0, 2.0], [-3.0, 0.0]])
    np.testing.assert_allclose(weight_cosine(w), [[1, 0, -1], [0, 1, 0], [-1, 0, 1]], atol=1e-12)
    with pytest.raises(ValueError, match=r"\(C, D\)"):
        weight_cosine(np.zeros(3))
