"""Fetch the real sequence sets: the folder's SHA256SUMS, then every set it lists
(sha256- and format-checked), and a manifest of them."""

import deepresolve.paper.workflow
from deepresolve.paper.tfpanel.real import fetch_real_sequences

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
manifest = fetch_real_sequences(sm.params.url, sm.output.folder)
print(manifest.drop(columns="sha256").to_string())
