"""Figure S1 on the authors' models: GMM component counts of this run beside the authors'."""

import deepresolve
import deepresolve.paper.workflow
from deepresolve.io import save_figure
from deepresolve.paper.figS1 import plot_figS1
from deepresolve.paper.tfpanel.authors import read_stored_results

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
res = deepresolve.Resolution.load(sm.input.resolution)
stored = read_stored_results(sm.input.stored).subset(list(res.class_names))
counts = {f"authors' models, this run ({len(res.n_components)})": res.n_components}
if len(stored.experiments):
    counts[f"authors' stored results ({len(stored.experiments)})"] = stored.n_components
    counts[f"this run, same {len(stored.experiments)}"] = res.n_components[
        [list(res.class_names).index(e) for e in stored.experiments]
    ]
save_figure(plot_figS1(counts), sm.output.fig)
