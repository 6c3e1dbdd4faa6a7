"""Receptive-field gradient ascent per channel of the analysed layer, from its top fragments."""

import numpy as np

import deepresolve.paper.workflow
from deepresolve.layers import split_sequential
from deepresolve.paper.deepsea.models import RESOLVE_LAYER, load_model
from deepresolve.paper.deepsea.receptive import channel_ascent, top_fragments

sm = snakemake  # noqa: F821
device = deepresolve.paper.workflow.setup(sm)
cfg = sm.params.cfg
model, _ = load_model(sm.input.model)
body, _ = split_sequential(model, RESOLVE_LAYER)
x = np.load(sm.input.test)["x"]
frags, _ = top_fragments(body, x, n_top=cfg["n_top"], device=device)
result = channel_ascent(body, frags, l2=cfg["l2"], steps=cfg["steps"], lr=cfg["lr"],
                        device=device)  # fmt: skip
result.save(sm.output.ascent)
