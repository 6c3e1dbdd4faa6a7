"""The Zeng et al. experiments of the panel with their TFs and the JASPAR id of each TF's
motif in the configured release (empty where the release has none: always a miss)."""

import deepresolve.paper.workflow
from deepresolve.io import write_tsv
from deepresolve.paper.tfpanel.data import source_experiments

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
write_tsv(
    sm.output.table, source_experiments(sm.input.table, sm.params.release, sm.params.names, "zeng")
)
