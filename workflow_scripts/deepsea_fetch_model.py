"""Download the published DeepSEA (Torch7 tarball or Kipoi's PyTorch conversion)."""

from pathlib import Path

import deepresolve.paper.workflow
from deepresolve.download import fetch
from deepresolve.paper.deepsea.bundle import extract_member, validate_tarball
from deepresolve.paper.deepsea.models import (
    PAPER_ARCH,
    load_kipoi,
    load_torch7,
    read_class_names,
    save_model,
)

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
cfg, folder = sm.params.download, Path(sm.params.download["folder"])
tarball = fetch(
    cfg["model_url"], folder / Path(cfg["model_url"]).name, known_hash=cfg["model_hash"],
    validate=validate_tarball("deepsea.cpu", "predictor.names"),
)  # fmt: skip
names = read_class_names(extract_member(tarball, "predictor.names", folder / "predictor.names"))
if sm.params.source == "torch7":
    model = load_torch7(extract_member(tarball, "deepsea.cpu", folder / "deepsea.cpu"))
else:
    pth = fetch(cfg["kipoi_url"], folder / "deepsea_predict.pth", known_hash=cfg["kipoi_hash"])
    model = load_kipoi(pth)
save_model(sm.output.model, model, PAPER_ARCH, names)
