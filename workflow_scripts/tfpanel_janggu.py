"""Real ChIP-seq peaks from janggu's wheel (Oct4, MafK), centred on their TF's motif,
with shuffled negatives, written as Zeng et al. train/test files."""

from pathlib import Path

import numpy as np
import pandas as pd

import deepresolve.paper.workflow
from deepresolve.io import write_tsv
from deepresolve.motifs.jaspar import load_jaspar
from deepresolve.paper import seeds
from deepresolve.paper.tfpanel.data import (
    EXPERIMENT_COLUMNS,
    JANGGU_EXPERIMENTS,
    peaks_experiment,
    read_wheel_fasta,
    split_pairs,
)
from deepresolve.sequences import write_zeng

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
cfg = sm.params.cfg
rng = np.random.default_rng(seeds.seed(sm.config["seed"], sm.rule))
motifs = load_jaspar(cfg["jaspar_release"])
wheel = sm.input.wheel  # sha256-checked by tfpanel_fetch_janggu
folder = Path(sm.output.table).parent
rows = []
for name, (member, tf, motif_id) in JANGGU_EXPERIMENTS.items():
    seqs = read_wheel_fasta(wheel, member)
    if cfg["max_peaks"]:
        seqs = [seqs[i] for i in np.sort(rng.permutation(len(seqs))[: cfg["max_peaks"]])]
    df = peaks_experiment(seqs, motifs.by_id(motif_id), rng, cfg["length"], name)
    train, test = split_pairs(df, cfg["test_fraction"], rng)
    write_zeng(folder / name / "train.data", train)
    write_zeng(folder / name / "test.data", test)
    rows.append((name, tf, motif_id, "janggu"))
write_tsv(sm.output.table, pd.DataFrame(rows, columns=EXPERIMENT_COLUMNS))
