"""Agreement of this run's OFIVs and component counts with the authors' stored results."""

import deepresolve
import deepresolve.paper.workflow
from deepresolve.io import write_tsv
from deepresolve.paper.tfpanel.authors import read_stored_results
from deepresolve.paper.tfpanel.calibration import agreement_summary, per_model_agreement

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
res = deepresolve.Resolution.load(sm.input.resolution)
per_model = per_model_agreement(
    list(res.class_names), res.ofiv, res.il, res.n_components,
    read_stored_results(sm.input.stored),
)  # fmt: skip
write_tsv(sm.output.per_model, per_model)
write_tsv(sm.output.table, agreement_summary(per_model, res.n_components))
