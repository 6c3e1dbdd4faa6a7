"""The ascent-sensitivity table: every selected analysis' outcomes under every ascent."""

import deepresolve.paper.workflow
from deepresolve.io import read_tsv, write_tsv
from deepresolve.paper.ascent_sensitivity import sensitivity_table

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
table = sensitivity_table([read_tsv(p) for p in sm.input.outcomes])
print(table.to_string())
write_tsv(sm.output.table, table)
