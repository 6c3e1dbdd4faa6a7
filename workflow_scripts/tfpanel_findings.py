"""The paper's TF-panel findings checked on this run (one row per finding)."""

import pandas as pd

import deepresolve
import deepresolve.paper.workflow
from deepresolve.io import read_tsv, write_tsv
from deepresolve.paper.tfpanel.filter_ranks import load_filter_activity, rank_groups
from deepresolve.paper.tfpanel.findings import ascent_dependence, panel_findings

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
res = deepresolve.Resolution.load(sm.input.resolution)
act_pos, act_neg, pvalues = load_filter_activity(sm.input.scores, sm.input.pvalues)
experiments = read_tsv(sm.input.experiments, dtype=str)
findings = panel_findings(
    read_tsv(sm.input.auc)["auc"].to_numpy(), read_tsv(sm.input.table1), res.n_components,
    rank_groups(res.ofiv), act_pos, act_neg, pvalues, read_tsv(sm.input.artifacts),
    sources=list(experiments["source"]), rank_tests=read_tsv(sm.input.rank_tests),
)  # fmt: skip
findings = pd.concat([findings, ascent_dependence(read_tsv(sm.input.outcomes))], ignore_index=True)
write_tsv(sm.output.table, findings)
