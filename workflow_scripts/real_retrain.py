"""The paper's CNN retrained (one batched panel) on each experiment's real training
positives that hold a motif instance, with one dinucleotide shuffle each; its test AUC and
the authors' model's on the same test sequences."""

import numpy as np
import pandas as pd

import deepresolve.paper.workflow
from deepresolve.io import write_tsv
from deepresolve.paper.seeds import seed as step_seed
from deepresolve.paper.tfpanel.authors import load_models
from deepresolve.paper.tfpanel.keras import to_panel
from deepresolve.paper.tfpanel.models import save_panel, tf_panel
from deepresolve.paper.tfpanel.panel import PanelData, encode, fit_panel, panel_auc, panel_logits
from deepresolve.paper.tfpanel.real import cap_positives, retrain_sets
from deepresolve.runtime import provenance
from deepresolve.training import TrainConfig

sm = snakemake  # noqa: F821
device = deepresolve.paper.workflow.setup(sm)
sets_seed = step_seed(sm.config["seed"], sm.rule, k=0)
seed = step_seed(sm.config["seed"], sm.rule, k=1)  # split and training
sets = pd.read_csv(sm.input.sets, sep="\t", keep_default_na=False, na_values=[""])
data = retrain_sets(sets, sets_seed, sm.params.length)
data = cap_positives(data, sm.params.max_train_positives, sets_seed)
names = sorted(set(data["experiment"]))


def panel_data(split):
    rows = [data[(data["experiment"] == e) & (data["split"] == split)] for e in names]
    return PanelData.stack(
        [(encode(list(r["sequence"])), r["label"].to_numpy(np.int8)) for r in rows], names
    )


train, test = panel_data("train"), panel_data("test")
cfg = dict(sm.params.train)
fit_part, val = train.split(cfg.pop("val_fraction"), seed)
panel = tf_panel(len(names), dropout=cfg.pop("dropout"), seed=seed)
history = fit_panel(panel, fit_part, val, TrainConfig(**cfg, seed=seed), device=device)
authors = to_panel(load_models(sm.input.models, names))
table = pd.DataFrame(
    {
        "experiment": names,
        "n_train": train.n // 2,  # positives; as many shuffles
        "n_test": test.n // 2,
        "auc_retrained": panel_auc(panel_logits(panel, test, device=device), test),
        "auc_authors": panel_auc(panel_logits(authors, test, device=device), test),
        "best_epoch": history.best_epoch + 1,
    }
)
print(table.to_string())
save_panel(sm.output.retrained, panel.cpu(), names, provenance(device))
save_panel(sm.output.authors, authors.cpu(), names)
write_tsv(sm.output.auc, table)
