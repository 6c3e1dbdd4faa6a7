"""The report's findings page: every findings table of this run, with the paper's values,
the verdicts and where the numbers were computed."""

from pathlib import Path

import pandas as pd

import deepresolve.paper.workflow
from deepresolve.io import atomic_path
from deepresolve.paper.summary import findings_html, findings_tables, read_run

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
provenance = pd.read_csv(sm.input.provenance, sep="\t", dtype=str, keep_default_na=False)
page = findings_html(read_run(sm.input.run), findings_tables(sm.input.findings), provenance)
with atomic_path(sm.output.page) as tmp:
    Path(tmp).write_text(page)
