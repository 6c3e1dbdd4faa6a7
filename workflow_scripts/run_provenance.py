"""The run record (run.json) and where each resolution, model and TOMTOM table was computed."""

import deepresolve.paper.workflow
from deepresolve.io import write_tsv
from deepresolve.paper.provenance import git_commit, provenance_table, write_run_record

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
results = sm.config["results"]
table = provenance_table(
    results, sm.input.get("resolutions", []), sm.input.get("models", []),
    sm.input.get("tomtom_tables", []),
)  # fmt: skip
write_tsv(sm.output.table, table)
commit = git_commit(sm.params.workflow_dir)  # of the code that made these results
write_run_record(sm.output.run, sm.config, sm.params.configfiles, commit)
