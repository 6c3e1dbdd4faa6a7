"""One independently seeded dataset I replicate: new data, new model, DeepResolve, and
its row of the robustness table."""

import pandas as pd

import deepresolve.paper.workflow
from deepresolve.io import write_tsv
from deepresolve.paper import seeds
from deepresolve.paper.synthetic.robustness import run_replicate
from deepresolve.presets import ascent_settings

sm = snakemake  # noqa: F821
device = deepresolve.paper.workflow.setup(sm)
replicate = int(sm.wildcards.replicate)
seed = seeds.seed(sm.config["seed"], sm.rule, index=replicate - 1)  # main model: replicate 0
cfg = sm.params.cfg
rob = cfg["robustness"]
row, res = run_replicate(
    {**cfg["dataset1"], "n_sequences": rob["n_sequences"], "n_random": rob["n_random"]},
    cfg["dataset1"]["model"], rob["train"], ascent_settings(sm.params.ascent), seed=seed,
    length=cfg["length"], test_fraction=cfg["test_fraction"], val_fraction=cfg["val_fraction"],
    device=device,
)  # fmt: skip
res.save(sm.output.resolution)
write_tsv(sm.output.row, pd.DataFrame([{"model": f"replicate {replicate}", **row}]))
