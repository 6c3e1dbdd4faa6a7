"""Train the paper's CNN on one synthetic dataset; write the model and its test AUCs."""

import pandas as pd

import deepresolve.paper.workflow
from deepresolve.io import save_npz, write_tsv
from deepresolve.paper import seeds
from deepresolve.paper.synthetic.data import SyntheticData
from deepresolve.paper.synthetic.models import save_model, train_synthetic_cnn
from deepresolve.runtime import provenance
from deepresolve.training import TrainConfig

sm = snakemake  # noqa: F821
device = deepresolve.paper.workflow.setup(sm)
dataset = sm.wildcards.dataset
seed = seeds.seed(sm.config["seed"], sm.rule, k=int(dataset[-1]))
data = SyntheticData.load(sm.input.data)
train = TrainConfig(**sm.params.train, seed=seed)
trained = train_synthetic_cnn(
    data.x, data.y, sm.params.model, train, test_fraction=sm.params.test_fraction,
    val_fraction=sm.params.val_fraction, seed=seed, device=device,
)  # fmt: skip
save_model(sm.output.model, trained.model, trained.spec, provenance(device))
save_npz(sm.output.split, test_idx=trained.test_idx)
n_test = len(trained.test_idx)
table = pd.DataFrame(
    {
        "dataset": dataset,
        "class": [str(c) for c in data.class_names],
        "auc": trained.auc,
        "n_test": n_test,
        "n_positive_test": data.y[trained.test_idx].sum(axis=0),
        "n_train": len(data) - n_test,
        "epochs": len(trained.history.val_loss),
        "best_epoch": trained.history.best_epoch + 1,
        "best_val_loss": min(trained.history.val_loss),
    }
)
write_tsv(sm.output.auc, table)
