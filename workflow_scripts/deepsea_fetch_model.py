"""The published DeepSEA (Torch7 tarball or Kipoi's PyTorch conversion) as this project's
model file, from the downloads of deepsea_download."""

import tempfile
from pathlib import Path

import deepresolve.paper.workflow
from deepresolve.paper.deepsea.bundle import extract_member
from deepresolve.paper.deepsea.models import (
    PAPER_ARCH,
    load_kipoi,
    load_torch7,
    read_class_names,
    save_model,
)

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
tarball = sm.input.tarball  # downloaded and checked by deepsea_download
with tempfile.TemporaryDirectory(prefix="deepsea-model-") as tmp:
    names = read_class_names(extract_member(tarball, "predictor.names", Path(tmp) / "names"))
    if sm.params.source == "torch7":
        model = load_torch7(extract_member(tarball, "deepsea.cpu", Path(tmp) / "deepsea.cpu"))
    else:
        model = load_kipoi(sm.input.kipoi)
trained_by = {"trained_by": f"DeepSEA's authors (published weights, {sm.params.source})"}
save_model(sm.output.model, model, PAPER_ARCH, names, trained_by)
