"""The paper's data for one experiment: FIMO instances of its TF's JASPAR motif that
overlap its ENCODE peaks -> 101-bp windows -> one dinucleotide shuffle each -> a
train/test split that no window crosses (deepresolve.paper.tfpanel.encode_fimo)."""

import pandas as pd

import deepresolve.paper.workflow
from deepresolve.genome import open_genome, read_narrowpeak
from deepresolve.io import atomic_path, write_tsv
from deepresolve.motifs.jaspar import experiment_motifs, load_jaspar
from deepresolve.paper.seeds import seed
from deepresolve.paper.tfpanel.encode_fimo import (
    encode_fimo_experiment,
    experiment_rng,
)
from deepresolve.sequences import write_zeng

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
experiment = sm.wildcards.experiment
motifs = experiment_motifs(sm.input.table, sm.params.release).set_index("experiment")
if experiment not in motifs.index:
    raise KeyError(f"{sm.input.table}: no experiment {experiment!r}")
motif_id = motifs.loc[experiment, "jaspar_id"]
if not motif_id:
    raise KeyError(f"{sm.input.table}: {experiment} has no {sm.params.release} motif to scan for")
data = encode_fimo_experiment(
    open_genome(sm.input.fasta), read_narrowpeak(sm.input.peaks), motif_id,
    load_jaspar(sm.params.release).by_id(motif_id),
    experiment_rng(seed(sm.config["seed"], sm.rule), experiment),
    length=sm.params.length, test_fraction=sm.params.test_fraction,
    threshold=sm.params.fimo["threshold"], backend=sm.params.fimo["backend"],
)  # fmt: skip
print(data.counts)
with atomic_path(sm.output.instances) as tmp:
    data.instances.to_csv(tmp, sep="\t", index=False, compression="gzip")
write_zeng(sm.output.train, data.train)
write_zeng(sm.output.test, data.test)
write_tsv(
    sm.output.counts, pd.DataFrame([{"experiment": experiment, "motif": motif_id, **data.counts}])
)
