"""Enhanced DeepMotif on every one of the authors' models at once."""

import numpy as np

import deepresolve.paper.workflow
from deepresolve.baselines import deepmotif_pwms, enhanced_deepmotif
from deepresolve.io import read_tsv, save_npz
from deepresolve.paper.tfpanel.models import load_panel, panel_score_fn

sm = snakemake  # noqa: F821
device = deepresolve.paper.workflow.setup(sm, seed_offset=440)
cfg = sm.params.cfg
panel, names = load_panel(sm.input.model)
panel.to(device)
lengths = set(read_tsv(sm.input.experiments)["length"])
if len(lengths) != 1:
    raise ValueError(f"{sm.input.experiments}: models of input lengths {sorted(lengths)}")
res = enhanced_deepmotif(
    panel_score_fn(panel), int(lengths.pop()), n_random=cfg["n_random"], steps=cfg["steps"],
    lr=cfg["lr"], l2=cfg["l2"], seed=int(sm.config["seed"]) + 440, device=device,
    n_models=len(names),
)  # fmt: skip
top = min(cfg["top"], res.scores.shape[1])
per_model = [deepmotif_pwms(res, top, cfg["width"], model=e) for e in range(len(names))]
save_npz(
    sm.output.motifs,
    pwms=np.array([[pwm for _, pwm in m] for m in per_model]),  # (E, top, 4, width)
    scores=np.array([[s for s, _ in m] for m in per_model]),
    converged=res.converged,
    n_steps=res.n_steps,
    names=np.asarray(names),
)
