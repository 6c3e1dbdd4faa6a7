"""The authors' models on every real test set: AUC of all positives and of the positives
holding a motif instance, each against all negatives; the latter split by strand."""

import pandas as pd

import deepresolve.paper.workflow
from deepresolve.io import write_tsv
from deepresolve.paper.tfpanel.authors import load_models
from deepresolve.paper.tfpanel.keras import to_tf_cnn
from deepresolve.paper.tfpanel.real import auc_table, experiment_logits, strand_auc

sm = snakemake  # noqa: F821
device = deepresolve.paper.workflow.setup(sm)
sets = pd.read_csv(sm.input.sets, sep="\t", keep_default_na=False, na_values=[""])
sets = sets[sets["split"] == "test"].reset_index(drop=True)
names = sorted(set(sets["experiment"]))
models = {e: to_tf_cnn(m) for e, m in zip(names, load_models(sm.input.models, names), strict=True)}
logits = experiment_logits(models, sets, device=device)
table = auc_table(sets, logits)
print(table.to_string())
write_tsv(sm.output.auc, table)
write_tsv(sm.output.strand, strand_auc(sets, logits))
