"""DeepResolve on every model of the panel (one class per experiment) at the pooled layer."""

import deepresolve
import deepresolve.paper.workflow
from deepresolve.paper.tfpanel.models import load_panel, panel_head, panel_size

sm = snakemake  # noqa: F821
device = deepresolve.paper.workflow.setup(sm, seed_offset=250)
panel, names = load_panel(sm.input.model)
asc = sm.params.ascent
res = deepresolve.resolve(
    panel_head(panel), (panel_size(panel)[1], 1), n_init=asc["n_init"], l2=asc["l2"],
    steps=asc["steps"], lr=asc["lr"], seed=int(sm.config["seed"]) + 250, device=device,
    batch_size=asc["batch_size"], class_names=names, progress=False,
)  # fmt: skip
res.save(sm.output.resolution)
