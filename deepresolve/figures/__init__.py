"""One module per figure or table of the paper: pure functions from data to a matplotlib
``Figure`` (or a ``DataFrame``); saving is the caller's job (``deepresolve.io``)."""
