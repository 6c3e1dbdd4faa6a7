"""Synthetic datasets I (AND + XOR) and II (feature sharing): ``data`` (generators),
``models`` (their CNNs), ``findings`` (the paper's claims as checks), ``figures``
(Figures 2, 3, 4a, 4b)."""
