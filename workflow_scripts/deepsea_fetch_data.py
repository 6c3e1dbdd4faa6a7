"""A random subset of one split of the DeepSEA training bundle (deepsea_download's)."""

import tempfile
from pathlib import Path

import numpy as np

import deepresolve.paper.workflow
from deepresolve.io import save_npz
from deepresolve.paper import seeds
from deepresolve.paper.deepsea.bundle import extract_member, read_mat
from deepresolve.paper.deepsea.models import load_model

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
cfg = sm.params.download
split = cfg["split"]
with tempfile.TemporaryDirectory(prefix="deepsea-bundle-") as tmp:
    # the bundle was downloaded and checked by deepsea_download
    mat = extract_member(sm.input.bundle, f"{split}.mat", Path(tmp) / f"{split}.mat")
    x, y = read_mat(mat, split, n=cfg["n_sequences"], seed=seeds.seed(sm.config["seed"], sm.rule))
_, names = load_model(sm.input.model)
if y.shape[1] != len(names):
    raise ValueError(
        f"{sm.input.bundle}: {y.shape[1]} label columns but the model has {len(names)} classes"
    )
save_npz(sm.output.test, x=x, y=y, class_names=np.array(names))
