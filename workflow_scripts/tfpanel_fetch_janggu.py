"""Download janggu 0.10.2's wheel (its Oct4 and MafK peaks are the panel's real data),
sha256-checked; no package manager runs in the job."""

import deepresolve.paper.workflow
from deepresolve.paper.tfpanel.data import fetch_janggu_wheel

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
fetch_janggu_wheel(sm.output.wheel, url=sm.params.url)
