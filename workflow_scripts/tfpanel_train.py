"""Train the panel of TF-binding CNNs as one batched network; write it, the experiment
table in panel order and each model's test AUC."""

from pathlib import Path

import pandas as pd

import deepresolve.paper.workflow
from deepresolve.io import read_tsv, write_tsv
from deepresolve.paper import seeds
from deepresolve.paper.tfpanel.data import load_split
from deepresolve.paper.tfpanel.models import save_panel, tf_panel
from deepresolve.paper.tfpanel.panel import fit_panel, panel_auc, panel_logits
from deepresolve.runtime import provenance
from deepresolve.training import TrainConfig

sm = snakemake  # noqa: F821
device = deepresolve.paper.workflow.setup(sm)
seed = seeds.seed(sm.config["seed"], sm.rule)
names = list(sm.params.names)
table = pd.concat([read_tsv(p, dtype=str) for p in sm.input.tables]).set_index("experiment")
table = table.loc[names].reset_index()
folders = [Path(f) for f in sm.params.folders]  # each experiment's, in panel order
train = load_split([f / "train.data" for f in folders], names)
test = load_split([f / "test.data" for f in folders], names)
cfg = dict(sm.params.train)
fit_part, val = train.split(cfg.pop("val_fraction"), seed)
panel = tf_panel(len(names), dropout=cfg.pop("dropout"), seed=seed)
history = fit_panel(panel, fit_part, val, TrainConfig(**cfg, seed=seed), device=device)
auc = panel_auc(panel_logits(panel, test, device=device), test)
save_panel(sm.output.model, panel.cpu(), names, provenance(device))
write_tsv(sm.output.experiments, table)
write_tsv(
    sm.output.auc,
    table.assign(
        auc=auc,
        n_train=train.n,
        n_test=test.n,
        best_epoch=history.best_epoch + 1,
        best_val_loss=history.best_val_loss,
    ),
)
