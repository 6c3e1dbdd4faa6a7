"""DeepSEA under every ascent of the sensitivity table: GMM counts, Fig 9 groups recovered,
Spearman vs the truth and (simulated compendium) the DeepSEA findings' verdicts (rows of
ascent_sensitivity)."""

import numpy as np

import deepresolve.paper.workflow
from deepresolve import Resolution
from deepresolve.io import write_tsv
from deepresolve.paper.deepsea.findings import ascent_outcomes

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
with np.load(sm.input.matrices) as f:
    matrices = {k: f[k] for k in f.files if k not in ("class_names", "deepresolve", "signed_ofiv")}
simulated = {}
if sm.input.get("truth"):
    truth, effects = np.load(sm.input.truth), np.load(sm.input.effects)
    simulated = dict(
        same_cell=truth["same_cell"], effects={k: effects[k] for k in effects.files},
        factor_weights=truth["factor_weights"], context_weights=truth["context_weights"],
    )  # fmt: skip
table = ascent_outcomes(
    sm.params.ascents, [Resolution.load(p) for p in sm.input.resolutions], matrices,
    sm.params.sharing, min_coef=sm.params.min_coef, **simulated,
)  # fmt: skip
print(table.to_string())
write_tsv(sm.output.table, table)
