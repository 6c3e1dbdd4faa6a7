"""The encode_fimo experiments of the panel with their TFs, the JASPAR id of each TF's
motif in the configured release, and the counts of their data construction (peaks,
FIMO instances, windows dropped, train and test positives)."""

import pandas as pd

import deepresolve.paper.workflow
from deepresolve.io import read_tsv, write_tsv
from deepresolve.paper.tfpanel.data import source_experiments

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
table = source_experiments(sm.input.table, sm.params.release, sm.params.names, "encode_fimo")
counts = pd.concat([read_tsv(p) for p in sm.input.counts]).rename(columns={"motif": "fimo_motif"})
write_tsv(sm.output.table, table.merge(counts, on="experiment"))
