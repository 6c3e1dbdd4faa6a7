"""Feature sharing between classes: the class-by-class matrices (DeepResolve similarity,
label correlation, last-layer weights; for the simulated compendium also the truth and the
model-implied similarity), Figures 7-9, the DNase association table and the
similarity-recovery table."""

import numpy as np

import deepresolve.paper.workflow
from deepresolve import Resolution, class_similarity
from deepresolve.io import save_figure, save_npz, write_tsv
from deepresolve.paper.deepsea.compendium import PAPER_GROUPS
from deepresolve.paper.deepsea.figures.fig7 import fig7
from deepresolve.paper.deepsea.figures.fig8 import fig8
from deepresolve.paper.deepsea.figures.fig9 import fig9
from deepresolve.paper.deepsea.models import load_model
from deepresolve.paper.deepsea.motif_effects import model_implied_similarity
from deepresolve.paper.deepsea.sharing import dnase_association, group_recovery
from deepresolve.similarity import label_correlation, signed_ofiv_correlation, weight_cosine

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
cfg = sm.params.cfg
res = Resolution.load(sm.input.resolution)
model, names = load_model(sm.input.model)
if res.labels() != names:
    raise ValueError(f"{sm.input.resolution}: classes differ from those of {sm.input.model}")
m = {
    "deepresolve": class_similarity(res.ofiv),
    "signed_ofiv": signed_ofiv_correlation(res.ofiv),
    "labels": label_correlation(np.load(sm.input.test)["y"]),
    "weights": weight_cosine(model.out.weight.detach().numpy()),
}
truth = same_cell = None
reference = {}
if sm.input.get("truth"):
    t = np.load(sm.input.truth)
    truth, same_cell = t["similarity"], t["same_cell"]
    m["model_implied"] = model_implied_similarity(np.load(sm.input.effects)["coef"])
    reference = {"truth": truth, "decision": t["decision_similarity"]}
save_npz(sm.output.matrices, class_names=np.array(names), **m, **reference)

panels = {"DeepResolve class similarity": m["deepresolve"]}
if truth is not None:
    panels["model-implied (motif coefficients)"] = m["model_implied"]
    panels["truth: shared factor motifs"] = truth
panels |= {"label correlation": m["labels"], "last-layer weight cosine": m["weights"]}
save_figure(fig7(panels, names, reference="DeepResolve class similarity"), sm.output.fig7)

association = dnase_association(m["deepresolve"], names, cfg["q_positive"], cfg["q_negative"])
write_tsv(sm.output.association, association)
save_figure(fig8(m["deepresolve"], names, association), sm.output.fig8)

shown = {"DeepResolve": m["deepresolve"]}
if truth is not None:
    shown["model-implied"] = m["model_implied"]
shown["label corr."] = m["labels"]
save_figure(fig9(shown, names, PAPER_GROUPS, max_size=cfg["max_cluster"]), sm.output.fig9)

recovery = group_recovery({**reference, **m}, names, PAPER_GROUPS, cfg["percentile_cut"], truth,
                          same_cell)  # fmt: skip
print(recovery.to_string())
write_tsv(sm.output.recovery, recovery)
