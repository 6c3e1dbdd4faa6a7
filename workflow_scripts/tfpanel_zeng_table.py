"""The Zeng et al. experiments of the panel with their TFs and the JASPAR id of each TF's
motif in the configured release (empty where the release has none: always a miss)."""

import deepresolve.paper.workflow
from deepresolve.io import write_tsv
from deepresolve.motifs.jaspar import experiment_motifs

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
table = experiment_motifs(sm.input.table, sm.params.release).set_index("experiment")
missing = set(sm.params.names) - set(table.index)
if missing:
    raise KeyError(f"{sm.input.table}: no experiments {sorted(missing)[:5]}")
table = table.loc[list(sm.params.names)].reset_index()
table = table.rename(columns={"jaspar_id": "jaspar_ids"}).assign(source="zeng")
write_tsv(sm.output.table, table[["experiment", "tf", "jaspar_ids", "source", "match"]])
