"""DeepResolve on the two-branch XOR head (positive control) of the dataset I head's
shape, on the channels of the model's XOR and AND filters."""

import deepresolve
import deepresolve.paper.workflow
from deepresolve.io import read_tsv
from deepresolve.paper.synthetic.diagnosis import control_channels, two_branch_head
from deepresolve.presets import ascent_settings

sm = snakemake  # noqa: F821
device = deepresolve.paper.workflow.setup(sm)
trained = deepresolve.Resolution.load(sm.input.resolution)
seed = int(trained.params["seed"])  # the trained model's starts, for a like-for-like view
k, w = trained.fims.shape[2:]
a, b, c = control_channels(read_tsv(sm.input.filters), k)
res = deepresolve.resolve(
    two_branch_head(k, w, a, b, c), (k, w), seed=seed, device=device,
    class_names=[f"two-branch XOR head on channels A={a}, B={b}, C={c}"], progress=False,
    **ascent_settings(sm.params.ascent),
)  # fmt: skip
res.save(sm.output.resolution)
