"""Figures 5 and S5 of the TF panel: pure functions from data to a matplotlib ``Figure``."""
