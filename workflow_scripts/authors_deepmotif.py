"""Enhanced DeepMotif on every one of the authors' models at once."""

import numpy as np

import deepresolve.paper.workflow
from deepresolve.io import read_tsv, save_npz
from deepresolve.paper import seeds
from deepresolve.paper.tfpanel.models import load_panel
from deepresolve.paper.tfpanel.panel import panel_deepmotif

sm = snakemake  # noqa: F821
device = deepresolve.paper.workflow.setup(sm)
panel, names = load_panel(sm.input.model)
lengths = set(read_tsv(sm.input.experiments)["length"])
if len(lengths) != 1:
    raise ValueError(f"{sm.input.experiments}: models of input lengths {sorted(lengths)}")
motifs = panel_deepmotif(
    panel.to(device), int(lengths.pop()), **sm.params.cfg,
    seed=seeds.seed(sm.config["seed"], sm.rule), device=device,
)  # fmt: skip
save_npz(sm.output.motifs, **motifs, names=np.asarray(names))
