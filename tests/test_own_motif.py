"""The authors' Table 1 protocol (MEME tomtom against each TF's own motif only, E-value),
its grouping of experiments that share a motif, and the protocol table."""

import numpy as np
import pandas as pd
import pytest

from deepresolve.motifs.jaspar import MotifSet, load_jaspar
from deepresolve.motifs.tomtom import find_tomtom, tomtom
from deepresolve.paper.tfpanel.filter_ranks import protocol_table, weight_information
from deepresolve.paper.tfpanel.own_motif import own_motif_evalues

needs_meme = pytest.mark.skipif(find_tomtom() is None, reason="MEME tomtom binary not built")


def _width(pwm, width=19):
    """A PWM cut or padded (uniform columns) to ``width`` columns."""
    pwm = pwm[:, :width]
    return np.pad(pwm, ((0, 0), (0, width - pwm.shape[1])), constant_values=0.25)


def _set(pwms):
    return MotifSet.from_arrays(list(pwms), prefix="q")


@needs_meme
def test_own_motif_evalues_group_experiments_and_use_only_the_own_motifs():
    jaspar = load_jaspar("JASPAR2016")
    ctcf, rest, gata = (_width(jaspar.by_id(i)) for i in ("MA0139.1", "MA0138.2", "MA0035.3"))
    queries = np.stack([[ctcf, gata], [rest, gata], [ctcf, rest]])  # (3 experiments, 2, 4, 19)
    experiments = pd.DataFrame(
        {
            "experiment": ["ctcf_a", "rest", "ctcf_b"],
            "jaspar_ids": ["MA0139.1", "MA0138.2", "MA0139.1;MA0138.2"],
        }
    )
    got = own_motif_evalues({"filters": queries}, experiments, jaspar, threads=2)["filters"]
    assert got.shape == (3, 2)
    # Experiment 0 alone against CTCF: E = p of a one-target MEME run.
    alone = tomtom(_set(queries[0]), jaspar.subset(["MA0139.1"]), backend="meme")
    alone = alone.set_index("query").loc[["q_0", "q_1"]]
    np.testing.assert_allclose(got[0], alone["evalue"], rtol=1e-6)
    np.testing.assert_allclose(got[0], alone["pvalue"], rtol=1e-6)
    assert got[0, 0] < 1e-6 < 0.01 < got[0, 1]  # CTCF matches itself, GATA does not
    assert got[1, 0] < 1e-6  # REST against REST
    # Two own motifs: E = p x 2, the lowest over the two.
    both = tomtom(_set(queries[2]), jaspar.subset(["MA0139.1", "MA0138.2"]), backend="meme")
    np.testing.assert_allclose(both["evalue"], 2 * both["pvalue"], rtol=1e-4)
    np.testing.assert_allclose(got[2], both.groupby("query")["evalue"].min().loc[["q_0", "q_1"]])
    # A TF without a motif never matches; an unknown id is an error naming it.
    none = experiments.assign(jaspar_ids=["", "MA0138.2", "MA0139.1"])
    assert np.isinf(own_motif_evalues({"f": queries}, none, jaspar)["f"][0]).all()
    with pytest.raises(KeyError, match="MA9999.9"):
        own_motif_evalues({"f": queries}, none.assign(jaspar_ids="MA9999.9"), jaspar)


def test_protocol_table_counts_hits_per_protocol():
    stat = {"a": np.array([[0.01, 0.9, 0.9], [0.9, 0.3, 0.9]]), "b": np.ones((2, 3))}
    table = protocol_table(
        {"p1": stat, "p2": {"a": stat["b"]}}, {"p1": "E", "p2": "p"}, ks=(1, 2), thresholds=(0.5,)
    )
    assert list(table.columns) == [
        "protocol", "statistic", "method", "n_experiments", "top1<0.5", "top2<0.5"
    ]  # fmt: skip
    assert table[["top1<0.5", "top2<0.5"]].to_numpy().tolist() == [[1, 2], [0, 0], [0, 0]]
    assert list(table["protocol"]) == ["p1", "p1", "p2"] and list(table["statistic"]) == list("EEp")


def test_weight_information_of_positive_and_negative_weights():
    w = np.zeros((1, 2, 4, 3))
    w[0, 0, 0, :] = 1.0  # positive: A at every position (2 bits each); negative: none
    w[0, 1] = -1.0
    w[0, 1, 2, 1] = -5.0  # negative weights: uniform except a strong G at position 1
    ic_pos, ic_neg = weight_information(w)
    np.testing.assert_allclose(ic_pos, [[6.0, 0.0]])
    assert ic_neg[0, 0] == 0.0 and 0 < ic_neg[0, 1] < 2
