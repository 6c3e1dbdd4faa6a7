"""Probe the dataset I model on its test sequences: the filter that detects each planted
pattern (by activity, and by PWM match), and the mean logit per pattern combination."""

import numpy as np

import deepresolve.paper.workflow
from deepresolve.io import write_tsv
from deepresolve.layers import split_sequential
from deepresolve.paper import seeds
from deepresolve.paper.synthetic.data import SyntheticData
from deepresolve.paper.synthetic.diagnosis import combination_logits
from deepresolve.paper.synthetic.filters import filter_identity, pattern_free
from deepresolve.paper.synthetic.models import load_model, resolve_layer
from deepresolve.training import predict_logits

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
seed = seeds.seed(sm.config["seed"], sm.rule)
model = load_model(sm.input.model)
data = SyntheticData.load(sm.input.data)
with np.load(sm.input.split) as split:
    test = data.subset(split["test_idx"])
motifs = [str(m) for m in test.motifs]
body, _ = split_sequential(model, resolve_layer(model))
background = test.x[pattern_free(test.contains)[: sm.params.max_background]]
weights = model.conv.weight.detach().numpy()
write_tsv(sm.output.filters, filter_identity(body, weights, background, motifs, seed=seed))
logits = predict_logits(model, test.x.astype(np.float32), device="cpu")[:, 0]
write_tsv(sm.output.combinations, combination_logits(logits, test.contains, motifs))
