"""DeepResolve on every one of the authors' models (one class each) at the pooled layer,
each start scored by its own model only."""

import deepresolve
import deepresolve.paper.workflow
from deepresolve.io import write_tsv
from deepresolve.paper import seeds
from deepresolve.paper.tfpanel.authors import ofiv_table
from deepresolve.paper.tfpanel.models import load_panel, panel_head, panel_size
from deepresolve.presets import ascent_settings

sm = snakemake  # noqa: F821
device = deepresolve.paper.workflow.setup(sm)
panel, names = load_panel(sm.input.model)
res = deepresolve.resolve(
    panel_head(panel), (panel_size(panel)[1], 1), seed=seeds.seed(sm.config["seed"], sm.rule),
    device=device, class_names=names, progress=False, **ascent_settings(sm.params.ascent),
)  # fmt: skip
res.save(sm.output.resolution)
write_tsv(sm.output.ofiv, ofiv_table(names, res.n_components, res.ofiv, res.il))
