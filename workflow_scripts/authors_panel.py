"""The authors' models as one batched panel, and their experiments with TF and JASPAR motif."""

from pathlib import Path

import deepresolve.paper.workflow
from deepresolve.io import write_tsv
from deepresolve.paper.tfpanel.authors import experiment_table, load_models
from deepresolve.paper.tfpanel.keras import to_panel
from deepresolve.paper.tfpanel.models import save_panel

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
names = list(sm.params.experiments)
models = load_models(Path(sm.input.files[0]).parents[1], names)  # <folder>/<experiment>/<file>
trained_by = {"trained_by": "the paper's authors (their Keras 1.2 models, converted)"}
save_panel(sm.output.model, to_panel(models), names, trained_by)
table = experiment_table(names, sm.input.experiments_table, sm.params.release, models)
write_tsv(sm.output.experiments, table)
