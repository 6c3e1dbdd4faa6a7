"""Download the DeepSEA training bundle and keep a random subset of one split."""

from pathlib import Path

import numpy as np

import deepresolve.paper.workflow
from deepresolve.download import fetch
from deepresolve.io import save_npz
from deepresolve.paper import seeds
from deepresolve.paper.deepsea.bundle import extract_member, read_mat, validate_tarball
from deepresolve.paper.deepsea.models import load_model

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
cfg, folder = sm.params.download, Path(sm.params.download["folder"])
split = cfg["split"]
bundle = fetch(
    cfg["data_url"], folder / Path(cfg["data_url"]).name, known_hash=cfg["data_hash"],
    validate=validate_tarball(f"{split}.mat"),
)  # fmt: skip
mat = extract_member(bundle, f"{split}.mat", folder / f"{split}.mat")
x, y = read_mat(mat, split, n=cfg["n_sequences"], seed=seeds.seed(sm.config["seed"], sm.rule))
_, names = load_model(sm.input.model)
if y.shape[1] != len(names):
    raise ValueError(f"{mat}: {y.shape[1]} label columns but the model has {len(names)} classes")
save_npz(sm.output.test, x=x, y=y, class_names=np.array(names))
