"""Where the local copy of the real ChIP-seq sequence sets is (tests skip without it).

``$DEEPRESOLVE_REAL_SEQUENCES``, else ``shared/data/real-chipseq`` where
:mod:`tests.authors_mirror` looks for the authors' models (beside the repository or beside
its parent folder).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.authors_mirror import _CANDIDATES


def find_real_sequences() -> Path | None:
    env = os.environ.get("DEEPRESOLVE_REAL_SEQUENCES")
    if env:
        return Path(env)
    for base in _CANDIDATES:
        path = base / "data" / "real-chipseq"
        if (path / "SHA256SUMS").is_file():
            return path
    return None


REAL = find_real_sequences()
needs_real = pytest.mark.skipif(
    REAL is None,
    reason="no local copy of the real ChIP-seq sets (../shared/data/real-chipseq); set "
    "DEEPRESOLVE_REAL_SEQUENCES to its folder",
)
