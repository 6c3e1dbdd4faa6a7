"""Generate synthetic dataset I or II (``snakemake.wildcards.dataset``) as an npz file."""

import deepresolve.paper.workflow
from deepresolve.paper import seeds
from deepresolve.paper.synthetic import data as synthetic

device = deepresolve.paper.workflow.setup(snakemake)  # noqa: F821
cfg = snakemake.params.cfg  # noqa: F821
length = snakemake.params.length  # noqa: F821
seed = seeds.seed(snakemake.config["seed"], snakemake.rule, k=int(snakemake.wildcards.dataset[-1]))  # noqa: F821
if snakemake.wildcards.dataset == "dataset1":  # noqa: F821
    data = synthetic.dataset1(
        n_sequences=cfg["n_sequences"], n_random=cfg["n_random"], length=length,
        and_motif=cfg["and_motif"], xor_motifs=cfg["xor_motifs"], p_motif=cfg["p_motif"],
        seed=seed,
    )  # fmt: skip
else:
    data = synthetic.dataset2(
        n_per_class=cfg["n_per_class"], length=length, classes=cfg["classes"], seed=seed
    )
data.save(snakemake.output.data)  # noqa: F821
