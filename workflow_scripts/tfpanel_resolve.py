"""DeepResolve on every model of the panel (one class per experiment) at the pooled layer."""

import deepresolve
import deepresolve.paper.workflow
from deepresolve.paper import seeds
from deepresolve.paper.tfpanel.models import load_panel, panel_head, panel_size
from deepresolve.presets import ascent_settings

sm = snakemake  # noqa: F821
device = deepresolve.paper.workflow.setup(sm)
panel, names = load_panel(sm.input.model)
res = deepresolve.resolve(
    panel_head(panel), (panel_size(panel)[1], 1), device=device,
    seed=seeds.seed(sm.config["seed"], "tfpanel_resolve"),  # also for tfpanel_resolve_ascent
    class_names=names, progress=False, **ascent_settings(sm.params.ascent),
)  # fmt: skip
res.save(sm.output.resolution)
