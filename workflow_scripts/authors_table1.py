"""Table 1 on the authors' models, by the authors' protocol and by the whole-collection one."""

import numpy as np

import deepresolve
import deepresolve.paper.workflow
from deepresolve.io import write_tsv
from deepresolve.paper.tfpanel.filter_ranks import method_scores, protocol_table, ranked_pvalues

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
res = deepresolve.Resolution.load(sm.input.resolution)
by_method = method_scores(res.ofiv, sm.input.get("scores"))
ranked, method = {}, {}
with np.load(sm.input.pvalues) as f:
    if list(f["names"]) != list(res.class_names):
        raise ValueError(f"{sm.input.pvalues} and {sm.input.resolution} list different experiments")
    for protocol in ("own", "collection"):
        ranked[protocol] = {
            m: ranked_pvalues(f[f"{protocol}_filters"], s) for m, s in by_method.items()
        }
        ranked[protocol]["enhanced_DeepMotif"] = ranked_pvalues(f[f"{protocol}_deepmotif"])
        method[protocol] = (str(f[f"{protocol}_tomtom_backend"]),
                            str(f[f"{protocol}_tomtom_distance"]))  # fmt: skip
table = protocol_table(
    {"authors": ranked["own"], "whole_collection": ranked["collection"]},
    {"authors": "E-value vs own motif", "whole_collection": "p-value vs collection"},
    sm.params.ks, sm.params.thresholds,
)  # fmt: skip
protocols = table["protocol"].map({"authors": "own", "whole_collection": "collection"})
table["tomtom_backend"] = [method[p][0] for p in protocols]
table["tomtom_distance"] = [method[p][1] for p in protocols]
write_tsv(sm.output.table1, table)
