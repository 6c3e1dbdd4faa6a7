"""Reusable plotting for DeepResolve results: sequence logos of filters and motifs, and
signed importance dots (FIVs, OFIVs)."""
