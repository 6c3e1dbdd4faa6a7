"""Download one ENCODE uniform TFBS narrowPeak file, md5-checked against its folder's
md5sum.txt and checked to be a narrowPeak file."""

import deepresolve.paper.workflow
from deepresolve.download import fetch_listed
from deepresolve.genome import read_narrowpeak

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
fetch_listed(sm.params.url, sm.output.peaks, sm.input.md5sums, validate=read_narrowpeak)
