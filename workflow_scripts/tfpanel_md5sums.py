"""Download a folder's md5sum.txt (the md5s of the ENCODE peak files or of the genome),
checked to be an md5sum listing."""

import deepresolve.paper.workflow
from deepresolve.download import fetch, read_checksums

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
fetch(sm.params.url, sm.output.md5sums, validate=lambda path: read_checksums(path, "md5"))
