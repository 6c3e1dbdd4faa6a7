"""Figure 6 and its table: channels of the analysed layer matched to JASPAR motifs."""

import numpy as np

import deepresolve.paper.workflow
from deepresolve.io import read_tsv, save_figure, write_tsv
from deepresolve.motifs.jaspar import load_jaspar
from deepresolve.paper.deepsea.figures.fig6 import fig6
from deepresolve.paper.deepsea.receptive import ChannelAscent, channel_motif_table, channel_motifs

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
cfg = sm.params.cfg
ascent = ChannelAscent.load(sm.input.ascent)
queries = channel_motifs(ascent, cfg["threshold"], cfg["min_ic"], cfg["tomtom_starts"])
hits = read_tsv(sm.input.hits, dtype={"query": str, "target": str})
planted = list(np.load(sm.input.truth)["motif_ids"]) if sm.input.get("truth") else None
method = hits[["tomtom_backend", "tomtom_distance"]].drop_duplicates()
if len(method) != 1:
    raise ValueError(f"{sm.input.hits}: no single TOMTOM backend recorded: {method.values}")
hits = hits.drop(columns=method.columns)
pairs, table = channel_motif_table(hits, ascent, q_cut=cfg["qvalue"], planted=planted)
write_tsv(sm.output.table, table.assign(**method.iloc[0].to_dict()))
best = table.dropna(subset=["query"])
pwms = {int(r.channel): queries.by_id(r.query) for r in best.itertuples()}
jaspar = load_jaspar(cfg["jaspar_release"])
save_figure(fig6(pairs, pwms, jaspar, q_cut=cfg["qvalue"]), sm.output.figure)
