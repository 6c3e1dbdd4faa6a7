"""Figure 4: OFIVs of the 4 classes of dataset II (a) and the class-relationship
matrices (b)."""

import deepresolve.paper.workflow
from deepresolve import Resolution
from deepresolve.io import save_figure
from deepresolve.paper.synthetic.data import SyntheticData
from deepresolve.paper.synthetic.figures.fig4 import plot_fig4a, plot_fig4b
from deepresolve.paper.synthetic.findings import dataset2_matrices
from deepresolve.paper.synthetic.models import load_model

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
res = Resolution.load(sm.input.resolution)
model = load_model(sm.input.model)
data = SyntheticData.load(sm.input.data)
names = [str(c) for c in data.class_names]
save_figure(plot_fig4a(res, model.conv.weight.detach().numpy(), names), sm.output.fig4a)
matrices = dataset2_matrices(res, data.y, model.out.weight.detach().numpy())
short = [n.split(":")[0].replace("class ", "") for n in names]
save_figure(plot_fig4b(matrices, short), sm.output.fig4b)
