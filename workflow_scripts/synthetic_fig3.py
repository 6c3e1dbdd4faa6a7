"""Figure 3: DeepLIFT, signed saliency and saliency x input on one positive and one
negative test example of dataset I."""

import numpy as np

import deepresolve.paper.workflow
from deepresolve.io import read_tsv, save_figure
from deepresolve.paper import seeds
from deepresolve.paper.synthetic.data import SyntheticData
from deepresolve.paper.synthetic.figures.fig3 import input_attributions, plot_fig3, xor_examples
from deepresolve.paper.synthetic.models import load_model
from deepresolve.training import predict_logits

sm = snakemake  # noqa: F821
device = deepresolve.paper.workflow.setup(sm)
seed = seeds.seed(sm.config["seed"], sm.rule)
model = load_model(sm.input.model)
data = SyntheticData.load(sm.input.data)
with np.load(sm.input.split) as split:
    test = data.subset(split["test_idx"])
logits = predict_logits(model, test.x.astype(np.float32), device="cpu")[:, 0]
examples = xor_examples(test, logits)
for ex in examples:
    ex.update(input_attributions(model, ex["x"], n_shuffles=sm.params.n_shuffles, seed=seed))
filters = read_tsv(sm.input.filters)
match = dict(zip(filters["pattern"], filters["filter_activity"], strict=True))
save_figure(plot_fig3(examples, motif_filters=match), sm.output.fig)
