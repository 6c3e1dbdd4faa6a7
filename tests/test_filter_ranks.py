"""Filter rankings, top-k motif hits, rank tests and the Fig 5/S5 groupings."""

import numpy as np
import pandas as pd
import pytest

from deepresolve.paper.tfpanel.filter_ranks import (
    artifacts,
    best_filter_ranks,
    hits,
    normalise_activations,
    rank_groups,
    rank_tests,
    ranked_pvalues,
    ranks,
    topk_table,
)


def test_ranks_and_ranked_pvalues():
    scores = np.array([[0.1, 0.5, -1.0, 0.5], [3.0, 2.0, 1.0, 0.0]])
    assert ranks(scores).tolist() == [[3, 1, 4, 2], [1, 2, 3, 4]]
    p = np.array([[0.9, 0.01, 0.2, 0.3], [0.6, 0.04, 0.7, 0.8]])
    assert ranked_pvalues(p, scores).tolist() == [[0.01, 0.3, 0.9, 0.2], [0.6, 0.04, 0.7, 0.8]]
    assert hits(ranked_pvalues(p, scores), 1, 0.05).tolist() == [True, False]
    assert hits(ranked_pvalues(p, scores), 2, 0.05).tolist() == [True, True]
    with pytest.raises(ValueError, match="differ"):
        ranked_pvalues(p, scores[:, :2])


def test_topk_table_counts_are_monotone():
    rng = np.random.default_rng(0)
    p = rng.random((50, 16)) ** 3
    table = topk_table({"a": ranked_pvalues(p, rng.random((50, 16))), "b": p})
    assert list(table.columns) == [
        "method", "n_experiments", "top1_p<0.5", "top3_p<0.5", "top5_p<0.5",
        "top1_p<0.05", "top3_p<0.05", "top5_p<0.05",
    ]  # fmt: skip
    for _, row in table.iterrows():
        assert row["top1_p<0.5"] <= row["top3_p<0.5"] <= row["top5_p<0.5"] <= 50
        assert row["top5_p<0.05"] <= row["top5_p<0.5"]
    assert table.loc[1, "top1_p<0.5"] == int((p[:, 0] < 0.5).sum())


def test_best_filter_ranks_and_rank_tests():
    rng = np.random.default_rng(1)
    e, k = 40, 16
    p = rng.random((e, k))
    best = rng.integers(0, k, e)
    p[np.arange(e), best] = 1e-4
    good = rng.random((e, k))
    good[np.arange(e), best] = 2.0  # always ranks the best filter first
    table = best_filter_ranks(p, {"good": good, "random": rng.random((e, k))}, list("x" * e))
    assert len(table) == e and (table["filter"] == best).all()
    assert (table["rank_good"] == 1).all()
    tests = rank_tests(table, "good", ["random"])
    assert tests.loc[0, "mean_rank_good"] == 1.0
    assert tests.loc[0, "mannwhitney_p"] < 1e-6 and tests.loc[0, "wilcoxon_p"] < 1e-6
    same = rank_tests(table, "good", ["good"])
    assert same.loc[0, "wilcoxon_p"] == 1.0
    p[0] = 0.9  # no match below max_pvalue: experiment left out
    assert len(best_filter_ranks(p, {"good": good}, list("x" * e), max_pvalue=0.5)) == e - 1


def test_groups_activations_and_artifacts():
    scores = np.arange(16.0)[None, :].repeat(2, 0)
    groups = rank_groups(scores)
    assert groups[0].tolist() == [0] * 4 + [1] * 4 + [2] * 4 + [3] * 4
    pos, neg = normalise_activations(
        np.array([[1.0, 3.0], [0.0, 0.0]]), np.array([[2.0, 5.0], [0.0, 0.0]])
    )
    assert pos.tolist() == [[0.0, 0.5], [0.0, 0.0]] and neg.tolist() == [[0.25, 1.0], [0.0, 0.0]]
    act = np.full((2, 16), 0.9)
    p = np.full((2, 16), 0.01)
    act[0, 15], p[0, 15] = 0.05, 0.9  # top-ranked, weak and unmatched: an artifact
    act[1, 0], p[1, 0] = 0.05, 0.9  # bottom-ranked: not counted
    assert artifacts(scores, act, p, act_cutoff=0.1) == 1


def test_rank_tests_small_samples_give_nan():
    table = pd.DataFrame({"rank_a": [1], "rank_b": [3]})
    out = rank_tests(table, "a", ["b"])
    assert np.isnan(out.loc[0, "mannwhitney_p"]) and out.loc[0, "n"] == 1


def test_panel_findings_hold_and_fail_as_measured():
    from deepresolve.paper.tfpanel.filter_ranks import topk_table
    from deepresolve.paper.tfpanel.findings import FINDING_COLUMNS, panel_findings

    rng = np.random.default_rng(0)
    e, k = 20, 16
    scores = rng.random((e, k))
    groups = rank_groups(scores)
    p = np.where(groups == 3, 1e-6, rng.uniform(0.6, 1, (e, k)))  # only top-ranked filters match
    act_pos = np.where(groups == 3, 0.9, 0.3)
    act_neg = np.full((e, k), 0.2)
    table1 = topk_table(
        {
            "DeepResolve": ranked_pvalues(p, scores),
            "saliency": ranked_pvalues(p, -scores),  # ranks the matching filters last
            "gradient_x_input": ranked_pvalues(p, -scores),
            "enhanced_DeepMotif": np.ones((e, 5)),
        }
    )
    art = pd.DataFrame(
        {
            "method": ["DeepResolve"],
            "top_group_filters": [80],
            "artifacts": [10],
            "mean_ic_positive_weights": [30.0],
            "mean_ic_negative_weights": [20.0],
        }
    )
    paper = ["encode_fimo"] * e  # the paper's own data
    out = panel_findings(
        np.full(e, 0.93), table1, np.ones(e), groups, act_pos, act_neg, p, art, sources=paper
    )
    assert list(out.columns) == FINDING_COLUMNS and len(out) == 12
    assert out["holds"].iloc[:11].all()  # everything but the artifact share
    assert not out["holds"].iloc[11] and out["measured"].iloc[11] == "10/80"
    assert out["finding"].is_unique and (out["where"] != "").all()
    assert out["verdict"].iloc[11] == "does not hold"
    worse = panel_findings(
        np.full(e, 0.7), table1, np.full(e, 2), groups, act_pos, act_neg, p, art, sources=paper
    )
    assert not worse["holds"].iloc[0] and not worse["holds"].iloc[1]
    # a simulated panel cannot test the paper's AUC on its real experiments
    sim = panel_findings(np.full(e, 0.93), table1, np.ones(e), groups, act_pos, act_neg, p, art,
                         sources=["simulated"] * (e - 1) + ["encode_fimo"])  # fmt: skip
    assert sim["verdict"].iloc[0] == "not comparable" and not sim["holds"].iloc[0]
    # nor can Zeng et al.'s peak-centred sets: they are not the paper's motif-centred windows
    peaks = panel_findings(np.full(e, 0.93), table1, np.ones(e), groups, act_pos, act_neg, p,
                           art, sources=["zeng"] * e)  # fmt: skip
    assert peaks["verdict"].iloc[0] == "not comparable"
    # "outperforms" is strict at every k: a tie at top-5 is not outperforming
    tied = table1.copy()
    tied.loc[tied["method"] == "saliency", "top5_p<0.5"] = int(
        tied.loc[tied["method"] == "DeepResolve", "top5_p<0.5"].iloc[0]
    )
    row = panel_findings(np.full(e, 0.93), tied, np.ones(e), groups, act_pos, act_neg, p, art,
                         sources=paper).set_index("finding")  # fmt: skip
    strict = row.loc[[f for f in row.index if "outperforms saliency" in f]]
    assert len(strict) == 1 and strict["verdict"].iloc[0] == "does not hold"
    assert "top-1" in strict.index[0] and "top-5" in strict.index[0]


def test_rank_test_findings_follow_the_papers_claims():
    from deepresolve.paper.tfpanel.findings import _rank_test_rows

    tests = pd.DataFrame(
        {
            "method": ["DeepLIFT", "saliency", "gradient_x_input"],
            "n": [50, 50, 50],
            "mean_rank_DeepResolve": [2.0, 2.0, 2.0],
            "mean_rank_method": [2.1, 6.0, 2.5],
            "mannwhitney_p": [0.4, 1e-8, 1e-8],
            "wilcoxon_p": [0.3, 1e-9, 0.01],  # gradient x input: significant, not p < 1e-6
        }
    )
    rows = _rank_test_rows(tests, alpha=0.05)
    holds = {r[0].split(" than ")[-1].split(" (")[0] if "than" in r[0] else "DeepLIFT": r[3]
             for r in rows}  # fmt: skip
    assert holds == {"DeepLIFT": True, "saliency": True, "gradient_x_input": False}


def test_method_scores_puts_deepresolve_first_then_the_layer_baselines(tmp_path):
    from deepresolve.paper.tfpanel.filter_ranks import method_scores

    rng = np.random.default_rng(0)
    arrays = {k: rng.normal(size=(3, 4)) for k in ("deeplift", "saliency", "gradient_x_input")}
    np.savez(tmp_path / "scores.npz", act_pos=np.zeros((3, 4)), **arrays)
    ofiv = rng.normal(size=(3, 4))
    scores = method_scores(ofiv, tmp_path / "scores.npz")
    assert list(scores) == ["DeepResolve", "DeepLIFT", "saliency", "gradient_x_input"]
    np.testing.assert_array_equal(scores["DeepResolve"], ofiv)
    np.testing.assert_array_equal(scores["DeepLIFT"], arrays["deeplift"])
    np.testing.assert_array_equal(scores["gradient_x_input"], arrays["gradient_x_input"])
    assert list(method_scores(ofiv)) == ["DeepResolve"]  # no baselines without the file
