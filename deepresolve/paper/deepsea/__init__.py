"""DeepSEA: ``models`` (the network, its Torch7/Kipoi weights, a scaled-down variant),
``bundle`` (the training bundle's .mat files), ``compendium`` (the simulated compendium
with designed feature sharing), ``receptive`` (channel motifs by receptive-field ascent),
``sharing`` (DNase association, clustering, recovery of the designed sharing),
``figures`` (Figures 6-9)."""
