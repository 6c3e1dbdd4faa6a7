"""The authors' trained models of every experiment of the real sequence sets, md5-checked."""

import deepresolve.paper.workflow
from deepresolve.paper.tfpanel.authors import fetch_models, read_model_table
from deepresolve.paper.tfpanel.real import read_manifest

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
experiments = sorted(set(read_manifest(sm.input.sequences)["experiment"]))
fetch_models(sm.params.url, experiments, sm.output.folder, read_model_table(sm.input.table))
