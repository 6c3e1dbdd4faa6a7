"""Figure 2 diagnosis: logit per pattern combination, logit landscape over the XOR
filters, and DeepResolve on the trained model beside the two-branch positive control."""

import numpy as np

import deepresolve.paper.workflow
from deepresolve import Resolution
from deepresolve.io import read_tsv, save_figure
from deepresolve.paper import seeds
from deepresolve.paper.synthetic.data import SyntheticData
from deepresolve.paper.synthetic.diagnosis import control_channels, xor_landscape
from deepresolve.paper.synthetic.figures.diagnosis import plot_diagnosis
from deepresolve.paper.synthetic.figures.fig2 import channel_labels
from deepresolve.paper.synthetic.models import load_model

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
cfg = sm.params.cfg["diagnosis"]
model = load_model(sm.input.model)
data = SyntheticData.load(sm.input.data)
with np.load(sm.input.split) as split:
    test = data.subset(split["test_idx"])
trained, control = Resolution.load(sm.input.resolution), Resolution.load(sm.input.control)
filters = read_tsv(sm.input.filters)
landscape = xor_landscape(
    model, test, trained, filters, n_points=cfg["landscape_points"],
    seed=seeds.seed(sm.config["seed"], sm.rule),
)  # fmt: skip
a, b, c = control_channels(filters, trained.n_channels)
motif = list(filters["pattern"])  # (xor_a, and, xor_b)
fig = plot_diagnosis(
    read_tsv(sm.input.combinations), landscape, trained, control,
    trained_labels=channel_labels(dict(zip(motif, filters["filter_activity"], strict=True))),
    control_labels={a: f"A ({motif[0]})", b: f"B ({motif[2]})", c: f"C ({motif[1]})"},
)  # fmt: skip
save_figure(fig, sm.output.fig)
landscape.save(sm.output.landscape)
