"""Train the scaled-down DeepSEA on the simulated compendium."""

import numpy as np

import deepresolve.paper.workflow
from deepresolve.paper import seeds
from deepresolve.paper.deepsea.models import deepsea, save_model
from deepresolve.runtime import provenance
from deepresolve.training import TrainConfig, fit

sm = snakemake  # noqa: F821
device = deepresolve.paper.workflow.setup(sm)
train, val = np.load(sm.input.train), np.load(sm.input.val)
names = [str(n) for n in train["class_names"]]
arch = dict(sm.params.model, n_classes=len(names), length=int(train["x"].shape[2]))
arch["channels"], arch["dropout"] = tuple(arch["channels"]), tuple(arch["dropout"])
model = deepsea(**arch)
history = fit(
    model, train["x"].astype(np.float32), train["y"], val["x"].astype(np.float32), val["y"],
    TrainConfig(**sm.params.train, seed=seeds.seed(sm.config["seed"], sm.rule)), device=device,
    progress=True,
)  # fmt: skip
print(f"validation loss per epoch: {history.val_loss}; best epoch {history.best_epoch + 1}")
save_model(sm.output.model, model.cpu(), arch, names, provenance(device))
