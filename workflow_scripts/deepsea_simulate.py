"""Simulate the DeepSEA-like compendium: train/validation/test sequences and the truth."""

import numpy as np

import deepresolve.paper.workflow
from deepresolve.io import save_npz
from deepresolve.paper import seeds
from deepresolve.paper.deepsea.compendium import simulate

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
cfg = dict(sm.params.compendium)
sizes = [cfg.pop(k) for k in ("n_train", "n_val", "n_test")]
data = simulate(sum(sizes), seed=seeds.seed(sm.config["seed"], sm.rule), **cfg)
names, motifs = np.array(data.class_names), np.array(data.motif_names)
bounds = np.cumsum([0, *sizes])
for path, lo, hi in zip(sm.output[:3], bounds[:-1], bounds[1:], strict=True):
    save_npz(path, x=data.x[lo:hi], y=data.y[lo:hi], z=data.z[lo:hi], class_names=names,
             motif_names=motifs)  # fmt: skip
save_npz(
    sm.output.truth, weights=data.weights, factor_weights=data.factor_weights,
    context_weights=data.context_weights, thresholds=data.thresholds, class_names=names,
    cells=np.array(data.cells), motif_names=motifs, motif_ids=np.array(data.motif_ids),
    similarity=data.factor_similarity(), decision_similarity=data.decision_similarity(),
    same_cell=data.same_cell(),
)  # fmt: skip
