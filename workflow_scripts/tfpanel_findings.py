"""The paper's TF-panel findings checked on this run (one row per finding)."""

import numpy as np

import deepresolve
import deepresolve.workflow
from deepresolve.filter_ranks import normalise_activations, rank_groups
from deepresolve.io import read_tsv, write_tsv
from deepresolve.panel_findings import panel_findings

sm = snakemake  # noqa: F821
deepresolve.workflow.setup(sm, seed_offset=320)
res = deepresolve.Resolution.load(sm.input.resolution)
with np.load(sm.input.scores) as f:
    act_pos, act_neg = normalise_activations(f["act_pos"], f["act_neg"])
with np.load(sm.input.pvalues) as f:
    pvalues = f["filters"]
findings = panel_findings(
    read_tsv(sm.input.auc)["auc"].to_numpy(), read_tsv(sm.input.table1), res.n_components,
    rank_groups(res.ofiv), act_pos, act_neg, pvalues, read_tsv(sm.input.artifacts),
)  # fmt: skip
write_tsv(sm.output.table, findings)
