"""DeepResolve on the input of DeepSEA's third convolution, every class."""

import numpy as np

import deepresolve
import deepresolve.paper.workflow
from deepresolve.layers import split_sequential
from deepresolve.paper import seeds
from deepresolve.paper.deepsea.models import RESOLVE_LAYER, load_model, resolved_shape
from deepresolve.presets import ascent_settings

sm = snakemake  # noqa: F821
device = deepresolve.paper.workflow.setup(sm)
model, names = load_model(sm.input.model)
_, head = split_sequential(model, RESOLVE_LAYER)
length = int(np.load(sm.input.test)["x"].shape[2])
res = deepresolve.resolve(
    head, resolved_shape(model, length), device=device, class_names=names,
    seed=seeds.seed(sm.config["seed"], "deepsea_resolve"),  # also for deepsea_resolve_ascent
    keep_fims=False, progress=False, **ascent_settings(sm.params.ascent),
)  # fmt: skip
print(f"GMM components: {np.bincount(res.n_components)}; converged {res.converged.mean():.2%}")
res.save(sm.output.resolution)
