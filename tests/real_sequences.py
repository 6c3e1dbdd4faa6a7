"""Where the local copy of the real ChIP-seq sequence sets is (tests skip without it).

``$DEEPRESOLVE_REAL_SEQUENCES``, else ``shared/data/real-chipseq`` where
:mod:`tests.authors_mirror` looks for the authors' models (beside the repository or beside
its parent folder).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.authors_mirror import find_shared


def find_real_sequences() -> Path | None:
    return find_shared("real-chipseq", "DEEPRESOLVE_REAL_SEQUENCES", ("SHA256SUMS",))


REAL = find_real_sequences()
needs_real = pytest.mark.skipif(
    REAL is None,
    reason="no local copy of the real ChIP-seq sets (../shared/data/real-chipseq); set "
    "DEEPRESOLVE_REAL_SEQUENCES to its folder",
)
