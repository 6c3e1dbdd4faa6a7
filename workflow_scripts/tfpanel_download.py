"""Download one Zeng et al. 2016 train/test file, checked to be in the Zeng format."""

import deepresolve.paper.workflow
from deepresolve.download import fetch
from deepresolve.sequences import read_zeng

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
fetch(sm.params.url, sm.output.data, validate=read_zeng)
