"""Where the local mirror of the authors' 422 trained models is (tests skip without it).

``$DEEPRESOLVE_AUTHORS_MIRROR``, else ``shared/data/authors-422tf`` beside the repository
(``../shared``: the main checkout) or beside its parent folder (``../../shared``: a
worktree under ``wt/``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
_CANDIDATES = [REPO.parent / "shared", REPO.parent.parent / "shared"]


def find_mirror() -> Path | None:
    env = os.environ.get("DEEPRESOLVE_AUTHORS_MIRROR")
    if env:
        return Path(env)
    for base in _CANDIDATES:
        path = base / "data" / "authors-422tf"
        if (path / "models").is_dir() and (path / "checksums.tsv").is_file():
            return path
    return None


MIRROR = find_mirror()
needs_mirror = pytest.mark.skipif(
    MIRROR is None,
    reason="no local mirror of the authors' models (../shared/data/authors-422tf); "
    "set DEEPRESOLVE_AUTHORS_MIRROR to its folder",
)


def shared_folder(name: str) -> Path | None:
    """``shared/<name>`` beside the repository or beside its parent folder, if there."""
    for base in _CANDIDATES:
        if (base / name).is_dir():
            return base / name
    return None
