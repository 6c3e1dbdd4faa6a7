"""Table 1: top-1/3/5 hits of the known motif per method at TOMTOM p < 0.5 and 0.05, and
rank tests of the ranks DeepResolve and the layer baselines give the best-matching filter."""

import numpy as np

import deepresolve
import deepresolve.paper.workflow
from deepresolve.io import write_tsv
from deepresolve.paper.tfpanel.filter_ranks import (
    LAYER_BASELINES,
    best_filter_ranks,
    method_scores,
    rank_tests,
    ranked_pvalues,
    topk_table,
)

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
res = deepresolve.Resolution.load(sm.input.resolution)
with np.load(sm.input.pvalues) as f:
    p_filters, p_deepmotif, names = f["filters"], f["deepmotif"], list(f["names"])
    method = {
        "tomtom_backend": str(f["tomtom_backend"]),
        "tomtom_distance": str(f["tomtom_distance"]),
    }
by_method = method_scores(res.ofiv, sm.input.scores)
ranked = {m: ranked_pvalues(p_filters, s) for m, s in by_method.items()}
ranked["enhanced_DeepMotif"] = ranked_pvalues(p_deepmotif)
table = topk_table(ranked, sm.params.ks, sm.params.thresholds)
write_tsv(sm.output.table1, table.assign(**method))
best = best_filter_ranks(p_filters, by_method, names, sm.params.max_p)
write_tsv(sm.output.best, best)
tests = rank_tests(best, "DeepResolve", list(LAYER_BASELINES))
write_tsv(sm.output.rank_tests, tests.assign(**method))
