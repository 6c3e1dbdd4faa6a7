"""Collect the test AUCs of both synthetic models into one table."""

import pandas as pd

import deepresolve.paper.workflow
from deepresolve.io import read_tsv, write_tsv
from deepresolve.paper.synthetic import reference as ref

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
paper = {"dataset1": [ref.DATASET1_AUC.value], "dataset2": list(ref.DATASET2_AUC.value)}
tables = []
for path in sm.input.aucs:
    t = read_tsv(path)
    ref = paper[str(t["dataset"].iloc[0])]
    t.insert(3, "paper_auc", ref if len(ref) == len(t) else float("nan"))
    tables.append(t)
write_tsv(sm.output.table, pd.concat(tables, ignore_index=True))
