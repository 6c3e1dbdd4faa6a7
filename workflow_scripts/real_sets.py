"""Every real sequence with the FIMO instances of its TF's JASPAR motif in the positives,
and the instance counts per set."""

import deepresolve.paper.workflow
from deepresolve.io import atomic_path, write_tsv
from deepresolve.motifs.jaspar import experiment_motifs, load_jaspar
from deepresolve.paper.tfpanel.real import build_sets, fimo_counts, read_manifest

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
motifs = experiment_motifs(sm.input.table, sm.params.release).set_index("experiment")
sets = build_sets(
    read_manifest(sm.input.sequences), motifs["jaspar_id"].to_dict(),
    load_jaspar(sm.params.release), sm.params.fimo["threshold"], sm.params.fimo["backend"],
)  # fmt: skip
counts = fimo_counts(sets)
print(counts.to_string())
with atomic_path(sm.output.sets) as tmp:
    sets.to_csv(tmp, sep="\t", index=False, compression="gzip")
write_tsv(sm.output.counts, counts)
