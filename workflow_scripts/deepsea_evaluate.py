"""Per-class test AUC of the DeepSEA model (forward and reverse-complement averaged)."""

import numpy as np
import pandas as pd

import deepresolve.paper.workflow
from deepresolve.io import write_tsv
from deepresolve.paper.deepsea.compendium import class_kind
from deepresolve.paper.deepsea.models import load_model, predict_proba
from deepresolve.training import auc_per_class

sm = snakemake  # noqa: F821
device = deepresolve.paper.workflow.setup(sm)
model, names = load_model(sm.input.model)
test = np.load(sm.input.test)
y = test["y"]
prob = predict_proba(model, test["x"].astype(np.float32), rc=True, device=device)
auc = auc_per_class(y, prob)
table = pd.DataFrame({"class": names, "kind": [class_kind(n) for n in names], "auc": auc,
                      "n_test": len(y), "n_positive_test": y.sum(axis=0)})  # fmt: skip
print(table.groupby("kind")["auc"].describe())
write_tsv(sm.output.auc, table)
