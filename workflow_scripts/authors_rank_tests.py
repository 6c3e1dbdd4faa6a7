"""Rank tests of the ranks DeepResolve and the layer baselines give each experiment's
best-matching filter (authors' protocol), on the authors' models."""

import numpy as np

import deepresolve
import deepresolve.paper.workflow
from deepresolve.io import write_tsv
from deepresolve.paper.tfpanel.filter_ranks import best_filter_ranks, method_scores, rank_tests

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
res = deepresolve.Resolution.load(sm.input.resolution)
by_method = method_scores(res.ofiv, sm.input.scores)
with np.load(sm.input.pvalues) as f:
    evalues = f["own_filters"]
    method = {"tomtom_backend": str(f["own_tomtom_backend"]),
              "tomtom_distance": str(f["own_tomtom_distance"])}  # fmt: skip
best = best_filter_ranks(evalues, by_method, list(res.class_names), sm.params.max_p)
write_tsv(sm.output.best, best)
write_tsv(
    sm.output.rank_tests, rank_tests(best, "DeepResolve", list(by_method)[1:]).assign(**method)
)
