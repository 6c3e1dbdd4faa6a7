"""DeepResolve on the layer between the conv and FC layers of a synthetic model."""

import deepresolve
import deepresolve.paper.workflow
from deepresolve.layers import feature_maps, split_sequential
from deepresolve.paper.synthetic.data import SyntheticData
from deepresolve.paper.synthetic.models import load_model, resolve_layer
from deepresolve.presets import ascent_settings

sm = snakemake  # noqa: F821
device = deepresolve.paper.workflow.setup(sm, seed_offset=120)
seed = int(sm.config["seed"]) + 120 + int(sm.wildcards.dataset[-1])
model = load_model(sm.input.model)
data = SyntheticData.load(sm.input.data)
body, head = split_sequential(model, resolve_layer(model))
k, w = feature_maps(body, data.x[:1].astype("float32")).shape[1:]
res = deepresolve.resolve(
    head, (k, w), seed=seed, device=device, class_names=[str(c) for c in data.class_names],
    progress=False, **ascent_settings(sm.params.ascent),
)  # fmt: skip
res.save(sm.output.resolution)
