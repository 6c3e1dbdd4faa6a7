"""DeepResolve on the layer between the conv and FC layers of a synthetic model."""

import deepresolve
import deepresolve.paper.workflow
from deepresolve.layers import feature_maps, split_sequential
from deepresolve.paper import seeds
from deepresolve.paper.synthetic.data import SyntheticData
from deepresolve.paper.synthetic.models import load_model, resolve_layer
from deepresolve.presets import ascent_settings

sm = snakemake  # noqa: F821
device = deepresolve.paper.workflow.setup(sm)
# synthetic_resolve_ascent resolves again with the same starts: the seed of synthetic_resolve
seed = seeds.seed(sm.config["seed"], "synthetic_resolve", k=int(sm.wildcards.dataset[-1]))
model = load_model(sm.input.model)
data = SyntheticData.load(sm.input.data)
body, head = split_sequential(model, resolve_layer(model))
k, w = feature_maps(body, data.x[:1].astype("float32")).shape[1:]
res = deepresolve.resolve(
    head, (k, w), seed=seed, device=device, class_names=[str(c) for c in data.class_names],
    progress=False, **ascent_settings(sm.params.ascent),
)  # fmt: skip
res.save(sm.output.resolution)
