"""What the model and DeepResolve make of each planted motif: the logit-on-motif
regression, the channel-to-motif map (planted, and read off the data as a check),
DeepResolve's (at the configured l2 and the sweep's) and the data gradient's motif-level
importance, channel and motif ablation, where the ascent ends, and the per-class table."""

import numpy as np

import deepresolve
import deepresolve.paper.workflow
from deepresolve import Resolution
from deepresolve.io import save_npz, write_tsv
from deepresolve.layers import feature_maps, split_sequential
from deepresolve.motifs.jaspar import load_jaspar
from deepresolve.paper.deepsea.models import RESOLVE_LAYER, load_model, resolved_shape
from deepresolve.paper.deepsea.motif_effects import (
    ascent_diagnostics,
    baseline_gradient,
    channel_ablation,
    channel_motif_response,
    channel_rank_agreement,
    class_motif_table,
    data_gradient,
    data_motif_response,
    map_agreement,
    motif_ablation,
    motif_importance,
    motif_regression,
)
from deepresolve.training import predict_logits

sm = snakemake  # noqa: F821
device = deepresolve.paper.workflow.setup(sm, seed_offset=395)
cfg = sm.params.cfg
model, names = load_model(sm.input.model)
res = Resolution.load(sm.input.resolution)
if res.labels() != names:
    raise ValueError(f"{sm.input.resolution}: classes differ from those of {sm.input.model}")
test, truth = np.load(sm.input.test), np.load(sm.input.truth)
x, y, z = test["x"].astype(np.float32), test["y"], test["z"]
body, head = split_sequential(model, RESOLVE_LAYER)
logits = predict_logits(model, x, device=device)
reg = motif_regression(logits, z)
motifs = load_jaspar().subset([str(m) for m in truth["motif_ids"]])
response = channel_motif_response(
    body, motifs.pwms, x.shape[2], n=cfg["n_insert"], sharpness=sm.params.sharpness,
    seed=int(sm.config["seed"]) + 395, device=device,
)  # fmt: skip
h = feature_maps(body, x, device=device)
data_map = data_motif_response(h, z)
map_r = map_agreement(response, data_map)
print(
    "channel-to-motif map, planted vs data (Pearson over channels): "
    + ", ".join(f"{m}={r:.2f}" for m, r in zip(truth["motif_names"], map_r, strict=True))
)
grad = data_gradient(head, h, y, device=device)
ablation = channel_ablation(head, h, y, device=device)
importance = {
    "deepresolve": motif_importance(res.ofiv, response),
    "deepresolve_datamap": motif_importance(res.ofiv, data_map),
    "gradient": motif_importance(grad, response),
    "baseline_gradient": motif_importance(
        baseline_gradient(head, resolved_shape(model, x.shape[2]), device=device), response
    ),
    "ablation": motif_ablation(head, h, y, response, device=device),
}
# DeepResolve at other L2 penalties, everything else as in deepsea_resolve
for l2 in cfg["l2_sweep"]:
    other = deepresolve.resolve(
        head, resolved_shape(model, x.shape[2]), **{**sm.params.ascent, "l2": l2},
        seed=int(sm.config["seed"]) + 350, device=device, keep_fims=False, progress=False,
    )  # fmt: skip
    importance[f"deepresolve_l2_{l2:g}"] = motif_importance(other.ofiv, response)
# where the ascent ends (two starts per class at the configured l2, optimum kept)
ascent = {**sm.params.ascent, "n_init": 2}
check = deepresolve.resolve(
    head, resolved_shape(model, x.shape[2]), **ascent, seed=int(sm.config["seed"]) + 350,
    device=device, keep_fims=True, progress=False,
)  # fmt: skip
n_pos = y.astype(bool).sum(axis=0)
data_logit = np.where(n_pos > 0, (logits * y).sum(axis=0) / np.maximum(n_pos, 1), np.nan)
agreement = {
    "data_logit": data_logit,
    **ascent_diagnostics(head, check.fims, ascent["l2"], device=device),
    "rho_ofiv_gradient": channel_rank_agreement(res.ofiv, grad),
    "rho_ofiv_ablation": channel_rank_agreement(res.ofiv, ablation),
    "rho_gradient_ablation": channel_rank_agreement(grad, ablation),
}
table = class_motif_table(
    names, [str(m) for m in truth["motif_names"]], truth["factor_weights"],
    truth["context_weights"], reg, importance, agreement, min_coef=cfg["min_coef"],
    per_motif={"map_r": map_r},
)  # fmt: skip
learned = table["learned"]
print(f"classes whose model learnt every motif (coefficient >= {cfg['min_coef']}): "
      f"{int(learned.sum())}/{len(table)}; not: {list(table.loc[~learned, 'class'])}")  # fmt: skip
print(table.to_string())
save_npz(
    sm.output.effects, class_names=np.array(names), motif_names=truth["motif_names"],
    coef=reg.coef, intercept=reg.intercept, r2=reg.r2, response=response,
    data_response=data_map, map_r=map_r, gradient=grad,
    ablation=ablation, **{f"{k}_motif": v for k, v in importance.items()},
)  # fmt: skip
write_tsv(sm.output.table, table)
