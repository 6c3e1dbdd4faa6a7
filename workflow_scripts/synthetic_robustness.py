"""The robustness table: the main dataset I model (replicate 0) and the seeded replicates."""

import numpy as np
import pandas as pd

import deepresolve.paper.workflow
from deepresolve import Resolution
from deepresolve.io import read_tsv, write_tsv
from deepresolve.paper import seeds
from deepresolve.paper.synthetic.data import SyntheticData
from deepresolve.paper.synthetic.models import load_model
from deepresolve.paper.synthetic.robustness import ROBUSTNESS_COLUMNS, summarize_model

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
cfg = sm.params.cfg
config_seed = sm.config["seed"]
data = SyntheticData.load(sm.input.data)
with np.load(sm.input.split) as split:
    test = data.subset(split["test_idx"])
auc = read_tsv(sm.input.auc)
res = Resolution.load(sm.input.resolution)
main = summarize_model(
    load_model(sm.input.model), test, res,
    float(auc["auc"].iloc[0]), max_background=cfg["diagnosis"]["max_background"],
    seed=seeds.seed(config_seed, "synthetic_probe"),  # synthetic_filters.tsv's identities
)  # fmt: skip
# the seeds the Fig 2 model was made with: dataset I is k = 1 of each synthetic step
main = {"model": "main (Fig 2)", "data_seed": seeds.seed(config_seed, "synthetic_generate", k=1),
        "train_seed": seeds.seed(config_seed, "synthetic_train", k=1),
        "ascent_seed": int(res.params["seed"]),
        "n_sequences": cfg["dataset1"]["n_sequences"], "epochs": int(auc["epochs"].iloc[0]),
        **main}  # fmt: skip
rows = [pd.DataFrame([main])] + [read_tsv(p) for p in sm.input.replicates]
write_tsv(sm.output.table, pd.concat(rows, ignore_index=True)[ROBUSTNESS_COLUMNS])
