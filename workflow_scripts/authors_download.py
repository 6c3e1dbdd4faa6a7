"""Download the authors' trained models (both files of each experiment), md5-checked."""

from pathlib import Path

import deepresolve.paper.workflow
from deepresolve.paper.tfpanel.authors import fetch_models, read_model_table

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
folder = Path(sm.output.files[0]).parents[1]  # <folder>/<experiment>/<file>
paths = fetch_models(sm.params.url, sm.params.experiments, folder, read_model_table(sm.input.table))
missing = sorted(set(map(str, sm.output.files)) - set(map(str, paths)))
if missing:
    raise RuntimeError(f"downloaded files differ from the rule's outputs, e.g. {missing[:3]}")
