"""Every filter and enhanced-DeepMotif motif of the authors' models against the TF's known
motif, by both protocols: the authors' (MEME tomtom against the TF's own motif only,
E-value) and the whole-collection one (p-value of the TF's motif among all of JASPAR)."""

import numpy as np

import deepresolve.paper.workflow
from deepresolve.io import read_tsv, save_npz, write_tsv
from deepresolve.motifs.jaspar import load_jaspar
from deepresolve.motifs.pwm import filter_pwms
from deepresolve.motifs.tomtom import resolve_backend
from deepresolve.paper.tfpanel.data import known_motif_pvalues
from deepresolve.paper.tfpanel.models import filter_weights, load_panel
from deepresolve.paper.tfpanel.own_motif import own_motif_evalues

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
cfg = sm.params.cfg
panel, names = load_panel(sm.input.model)
experiments = read_tsv(sm.input.experiments, dtype=str, keep_default_na=False)
if list(experiments["experiment"]) != names:
    raise ValueError(f"{sm.input.experiments} and {sm.input.model} list different experiments")
weights = filter_weights(panel)  # (E, K, 4, W), already flipped for Theano
pwms = filter_pwms(weights.reshape(-1, *weights.shape[2:])).reshape(weights.shape)
with np.load(sm.input.motifs) as f:
    motifs = {"filters": pwms, "deepmotif": f["pwms"]}
jaspar = load_jaspar(sm.params.release)
own = own_motif_evalues(motifs, experiments, jaspar, backend="meme", threads=sm.threads)
backend, distance = resolve_backend(cfg["backend"])  # whole-collection protocol
collection, best = known_motif_pvalues(
    motifs, experiments, jaspar, backend=backend, min_ic=cfg["trim_min_ic"],
    min_width=cfg["min_width"], threads=sm.threads,
)  # fmt: skip
save_npz(
    sm.output.pvalues,
    **{f"own_{k}": v for k, v in own.items()},
    **{f"collection_{k}": v for k, v in collection.items()},
    names=np.asarray(names),
    own_tomtom_backend=np.array("meme"),  # the authors' protocol: MEME, Pearson, always
    own_tomtom_distance=np.array("pearson"),
    collection_tomtom_backend=np.array(backend),
    collection_tomtom_distance=np.array(distance),
)
write_tsv(sm.output.hits, best.assign(tomtom_backend=backend, tomtom_distance=distance))
