"""tables/real_retrain.tsv (retrained vs the authors' model: test AUCs and top-k motif hits)
and the real-sequence findings."""

import deepresolve.paper.workflow
from deepresolve.io import read_tsv, write_tsv
from deepresolve.paper.tfpanel.findings import real_findings
from deepresolve.paper.tfpanel.real import retrain_table

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
table = retrain_table(read_tsv(sm.input.auc), read_tsv(sm.input.top), sm.params.top_k)
print(table.to_string())
write_tsv(sm.output.retrain, table)
findings = real_findings(
    read_tsv(sm.input.authors_auc), read_tsv(sm.input.strand), table, sm.params.top_k,
    max_gap=sm.params.max_auc_gap, min_train=sm.params.min_train_positives,
)  # fmt: skip
print(findings.to_string())
write_tsv(sm.output.findings, findings)
