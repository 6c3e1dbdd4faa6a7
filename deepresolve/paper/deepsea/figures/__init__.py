"""Figures 6-9 of the DeepSEA analysis: pure functions from data to a matplotlib ``Figure``."""
