"""Simulate the TF panel's experiments (JASPAR motifs planted in random sequence) and
write each as Zeng et al. train/test files, plus the experiment table."""

from pathlib import Path

import numpy as np

import deepresolve.paper.workflow
from deepresolve.io import write_tsv
from deepresolve.motifs.jaspar import load_jaspar
from deepresolve.paper import seeds
from deepresolve.paper.tfpanel.data import simulated_panel, split_pairs
from deepresolve.sequences import write_zeng

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
cfg = sm.params.cfg
seed = seeds.seed(sm.config["seed"], sm.rule)
motifs = load_jaspar(cfg["jaspar_release"])
table, data = simulated_panel(
    motifs, cfg["n_simulated"], cfg["n_positive"], seed,
    cofactor_fraction=cfg["cofactor_fraction"], motif_fraction=tuple(cfg["motif_fraction"]),
    min_ic=cfg["min_motif_ic"], length=cfg["length"],
)  # fmt: skip
if list(table["experiment"]) != list(sm.params.names):
    raise ValueError(f"simulated names {list(table['experiment'])} != {sm.params.names}")
folder = Path(sm.output.table).parent
rng = np.random.default_rng(seeds.seed(sm.config["seed"], sm.rule, k=1))
for name in table["experiment"]:
    train, test = split_pairs(data[name], cfg["test_fraction"], rng)
    write_zeng(folder / name / "train.data", train)
    write_zeng(folder / name / "test.data", test)
write_tsv(sm.output.table, table)
