"""The encode_fimo experiments of the panel with their TFs, the JASPAR id of each TF's
motif in the configured release, and the counts of their data construction (peaks,
FIMO instances, windows dropped, train and test positives)."""

import pandas as pd

import deepresolve.paper.workflow
from deepresolve.io import read_tsv, write_tsv
from deepresolve.motifs.jaspar import experiment_motifs

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
table = experiment_motifs(sm.input.table, sm.params.release).set_index("experiment")
missing = set(sm.params.names) - set(table.index)
if missing:
    raise KeyError(f"{sm.input.table}: no experiments {sorted(missing)[:5]}")
table = table.loc[list(sm.params.names)].reset_index()
table = table.rename(columns={"jaspar_id": "jaspar_ids"}).assign(source="encode_fimo")
counts = pd.concat([read_tsv(p) for p in sm.input.counts]).rename(columns={"motif": "fimo_motif"})
table = table[["experiment", "tf", "jaspar_ids", "source", "match"]].merge(counts, on="experiment")
write_tsv(sm.output.table, table)
