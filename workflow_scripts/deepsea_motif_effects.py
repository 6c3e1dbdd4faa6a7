"""What the model and DeepResolve make of each planted motif: the logit-on-motif
regression, the channel-to-motif map (planted, and read off the data as a check),
DeepResolve's (under the configured ascent and the sensitivity ascents) and the data
gradient's motif-level importance, channel and motif ablation, where the ascent ends, and
the per-class table."""

import numpy as np

import deepresolve.paper.workflow
from deepresolve import Resolution
from deepresolve.io import save_npz, write_tsv
from deepresolve.motifs.jaspar import load_jaspar
from deepresolve.paper import seeds
from deepresolve.paper.deepsea.models import load_model
from deepresolve.paper.deepsea.motif_effects import analyse_motif_effects
from deepresolve.presets import ascent_settings

sm = snakemake  # noqa: F821
device = deepresolve.paper.workflow.setup(sm)
model, names = load_model(sm.input.model)
res = Resolution.load(sm.input.resolution)
if res.labels() != names:
    raise ValueError(f"{sm.input.resolution}: classes differ from those of {sm.input.model}")
test, truth = np.load(sm.input.test), np.load(sm.input.truth)
others = {}
for name, path in zip(sm.params.others, sm.input.others, strict=True):
    other = Resolution.load(path)
    if other.labels() != names:
        raise ValueError(f"{path}: classes differ from those of {sm.input.model}")
    others[name] = other.ofiv
table, arrays = analyse_motif_effects(
    model, names, res.ofiv, test, load_jaspar().subset([str(m) for m in truth["motif_ids"]]),
    truth["motif_names"], truth["factor_weights"], truth["context_weights"],
    cfg=sm.params.cfg, ascent=ascent_settings(sm.params.ascent), sharpness=sm.params.sharpness,
    insert_seed=seeds.seed(sm.config["seed"], sm.rule),
    ascent_seed=seeds.seed(sm.config["seed"], "deepsea_resolve"),
    device=device, others=others,
)  # fmt: skip
print(table.to_string())
save_npz(sm.output.effects, **arrays)
write_tsv(sm.output.table, table)
