"""TOMTOM of every channel's gradient-ascent PWMs against JASPAR CORE vertebrates."""

import deepresolve.paper.workflow
from deepresolve.io import write_tsv
from deepresolve.motifs.jaspar import load_jaspar
from deepresolve.motifs.tomtom import resolve_backend, tomtom
from deepresolve.paper.deepsea.receptive import ChannelAscent, channel_motifs

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
cfg = sm.params.cfg
queries = channel_motifs(
    ChannelAscent.load(sm.input.ascent), cfg["threshold"], cfg["min_ic"], cfg["tomtom_starts"]
)
backend, distance = resolve_backend(cfg["backend"])  # what runs, recorded in the table
hits = tomtom(queries, load_jaspar(cfg["jaspar_release"]), backend=backend,
              thresh=cfg["report_qvalue"], threads=sm.threads)  # fmt: skip
write_tsv(sm.output.hits, hits.assign(tomtom_backend=backend, tomtom_distance=distance))
