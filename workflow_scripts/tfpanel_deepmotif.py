"""Enhanced DeepMotif on every model of the panel at once: the most informative window
of each model's best-scoring generated inputs."""

import numpy as np

import deepresolve.paper.workflow
from deepresolve.io import save_npz
from deepresolve.paper import seeds
from deepresolve.paper.tfpanel.models import load_panel
from deepresolve.paper.tfpanel.panel import panel_deepmotif

sm = snakemake  # noqa: F821
device = deepresolve.paper.workflow.setup(sm)
panel, names = load_panel(sm.input.model)
motifs = panel_deepmotif(
    panel.to(device), sm.params.length, **sm.params.cfg,
    seed=seeds.seed(sm.config["seed"], sm.rule), device=device,
)  # fmt: skip
save_npz(sm.output.motifs, **motifs, names=np.asarray(names))
