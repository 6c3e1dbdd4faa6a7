"""Collect the test AUCs of both synthetic models into one table."""

import pandas as pd

import deepresolve.paper.workflow
from deepresolve.io import read_tsv, write_tsv

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
paper = {"dataset1": [0.985], "dataset2": [0.968, 0.967, 0.979, 0.994]}
tables = []
for path in sm.input.aucs:
    t = read_tsv(path)
    ref = paper[str(t["dataset"].iloc[0])]
    t.insert(3, "paper_auc", ref if len(ref) == len(t) else float("nan"))
    tables.append(t)
write_tsv(sm.output.table, pd.concat(tables, ignore_index=True))
