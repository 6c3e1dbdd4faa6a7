"""Every caption of the report, rendered from its template with this run's tables."""

import deepresolve.paper.workflow
from deepresolve.paper.captions import RunTables, render_captions

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
names = list(sm.params.names)
render_captions(
    dict(zip(names, sm.input.templates, strict=True)),
    dict(zip(names, sm.output.captions, strict=True)),
    RunTables.from_files(list(sm.input.tables)),
    sm.config,
)
