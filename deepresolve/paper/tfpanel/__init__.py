"""The TF ChIP-seq panel: ``data`` (simulated, janggu and Zeng et al. experiments),
``models`` (the TF CNN and its batched panel), ``panel`` (panel training and
activations), ``filter_ranks`` (per-method filter ranks, top-k TOMTOM hits, rank tests),
``findings`` (the paper's panel claims as checks), ``figures`` (Figures 5 and S5)."""
