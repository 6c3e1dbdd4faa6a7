"""The paper's findings on the synthetic datasets: measured value, paper value, holds; for
dataset I also why (logits per pattern combination, positive control, seeded replicates)."""

import pandas as pd

import deepresolve.paper.workflow
from deepresolve import Resolution
from deepresolve.io import read_tsv, write_tsv
from deepresolve.paper.synthetic.data import SyntheticData
from deepresolve.paper.synthetic.diagnosis import Landscape, control_channels
from deepresolve.paper.synthetic.findings import (
    ascent_dependence,
    dataset1_findings,
    dataset2_findings,
)
from deepresolve.paper.synthetic.models import load_model

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
cfg = sm.params.cfg
model2 = load_model(sm.input.model2)
res1, filters = Resolution.load(sm.input.resolution1), read_tsv(sm.input.filters)
one = dataset1_findings(
    res1, filters,
    xor_motifs=cfg["dataset1"]["xor_motifs"], and_motif=cfg["dataset1"]["and_motif"],
    auc=float(read_tsv(sm.input.auc1)["auc"].iloc[0]),
    combinations=read_tsv(sm.input.combinations), landscape=Landscape.load(sm.input.landscape),
    control=Resolution.load(sm.input.control),
    control_channels=control_channels(filters, res1.n_channels),
    robustness=read_tsv(sm.input.robustness),
)  # fmt: skip
two = dataset2_findings(
    Resolution.load(sm.input.resolution2), SyntheticData.load(sm.input.data2).y,
    model2.out.weight.detach().numpy(), read_tsv(sm.input.auc2)["auc"].to_numpy(),
)  # fmt: skip
outcomes = read_tsv(sm.input.outcomes)
one = pd.concat([one, ascent_dependence(outcomes, "I")], ignore_index=True)
two = pd.concat([two, ascent_dependence(outcomes, "II")], ignore_index=True)
write_tsv(sm.output.table, pd.concat([one, two], ignore_index=True))
