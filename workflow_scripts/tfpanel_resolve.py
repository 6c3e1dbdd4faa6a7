"""DeepResolve on every model of the panel (one class per experiment) at the pooled layer."""

import deepresolve
import deepresolve.paper.workflow
from deepresolve.paper import seeds
from deepresolve.paper.tfpanel.models import load_panel, panel_head, panel_size

sm = snakemake  # noqa: F821
device = deepresolve.paper.workflow.setup(sm)
panel, names = load_panel(sm.input.model)
res = deepresolve.resolve(
    panel_head(panel), (panel_size(panel)[1], 1), seed=seeds.seed(sm.config["seed"], sm.rule),
    device=device, class_names=names, progress=False, **sm.params.ascent,
)  # fmt: skip
res.save(sm.output.resolution)
