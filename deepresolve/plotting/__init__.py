"""Reusable plotting for DeepResolve results: sequence logos of filters and motifs,
signed importance dots (FIVs, OFIVs), and the pictures of one resolution
(:mod:`deepresolve.plotting.resolution`: FIV ensemble, OFIVs, class similarity)."""
