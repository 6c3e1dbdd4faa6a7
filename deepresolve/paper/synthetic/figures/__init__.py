"""Figures 2, 3 and 4 of the synthetic analysis: pure functions from data to a
matplotlib ``Figure``; saving is the caller's job (``deepresolve.io``)."""
