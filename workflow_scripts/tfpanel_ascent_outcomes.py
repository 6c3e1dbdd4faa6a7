"""The TF panel under every ascent of the sensitivity table: GMM counts, top-5 hits and
the panel findings' verdicts (rows of ascent_sensitivity)."""

import deepresolve.paper.workflow
from deepresolve import Resolution
from deepresolve.io import read_tsv, write_tsv
from deepresolve.paper.tfpanel.filter_ranks import load_filter_activity
from deepresolve.paper.tfpanel.findings import ascent_outcomes

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
act_pos, act_neg, pvalues = load_filter_activity(sm.input.scores, sm.input.pvalues)
table = ascent_outcomes(
    sm.params.ascents, [Resolution.load(p) for p in sm.input.resolutions],
    read_tsv(sm.input.auc)["auc"].to_numpy(), read_tsv(sm.input.table1), act_pos, act_neg,
    pvalues, read_tsv(sm.input.artifacts), ks=sm.params.ks, thresholds=sm.params.thresholds,
)  # fmt: skip
print(table.to_string())
write_tsv(sm.output.table, table)
