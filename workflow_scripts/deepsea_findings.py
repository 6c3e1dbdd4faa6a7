"""The paper's DeepSEA findings checked on the simulated compendium (one row per finding)."""

import pandas as pd

import deepresolve
import deepresolve.paper.workflow
from deepresolve.io import read_tsv, write_tsv
from deepresolve.paper.deepsea.findings import ascent_dependence, deepsea_findings

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
res = deepresolve.Resolution.load(sm.input.resolution)
findings = deepsea_findings(
    read_tsv(sm.input.recovery), read_tsv(sm.input.class_motifs, keep_default_na=False,
                                          na_values=[""]),
    read_tsv(sm.input.association), res.n_components,
    channel_motifs=read_tsv(sm.input.channel_motifs, dtype={"target": str}),
)  # fmt: skip
findings = pd.concat([findings, ascent_dependence(read_tsv(sm.input.outcomes))], ignore_index=True)
print(findings.to_string())
write_tsv(sm.output.table, findings)
