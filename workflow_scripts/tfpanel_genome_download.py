"""Download the genome FASTA (gzip), md5-checked against its folder's md5sum.txt."""

import deepresolve.paper.workflow
from deepresolve.download import fetch_listed

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
fetch_listed(sm.params.url, sm.output.genome, sm.input.md5sums, timeout=600)
