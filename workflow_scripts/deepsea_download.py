"""Download one published DeepSEA file (model tarball, training bundle or Kipoi's state
dict), checked against its hash or, where none is published, by its tarball members."""

import deepresolve.paper.workflow
from deepresolve.download import fetch
from deepresolve.paper.deepsea.bundle import validate_tarball

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
spec = sm.params.spec
members = spec["members"]
fetch(spec["url"], sm.output.archive, known_hash=spec["hash"],
      validate=validate_tarball(*members) if members else None)  # fmt: skip
