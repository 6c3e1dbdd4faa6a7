"""Synthetic datasets I and II under every ascent of the sensitivity table: GMM counts,
flagged channels and the synthetic findings' verdicts (rows of ascent_sensitivity)."""

import deepresolve.paper.workflow
from deepresolve import Resolution
from deepresolve.io import read_tsv, write_tsv
from deepresolve.paper.synthetic.data import SyntheticData
from deepresolve.paper.synthetic.diagnosis import Landscape
from deepresolve.paper.synthetic.findings import ascent_outcomes
from deepresolve.paper.synthetic.models import load_model

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
cfg = sm.params.cfg


def load(paths):
    return [Resolution.load(p) for p in paths]


table = ascent_outcomes(
    sm.params.ascents, load(sm.input.resolution1), load(sm.input.control),
    load(sm.input.resolution2), read_tsv(sm.input.filters),
    xor_motifs=cfg["dataset1"]["xor_motifs"], and_motif=cfg["dataset1"]["and_motif"],
    auc1=float(read_tsv(sm.input.auc1)["auc"].iloc[0]),
    labels2=SyntheticData.load(sm.input.data2).y,
    last_weights2=load_model(sm.input.model2).out.weight.detach().numpy(),
    aucs2=read_tsv(sm.input.auc2)["auc"].to_numpy(),
    combinations=read_tsv(sm.input.combinations), landscape=Landscape.load(sm.input.landscape),
)  # fmt: skip
print(table.to_string())
write_tsv(sm.output.table, table)
