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


def find_shared(folder: str, env_var: str, markers: tuple[str, ...]) -> Path | None:
    """``$<env_var>``, else ``shared/data/<folder>`` (beside the repository or beside its
    parent folder) when it holds every one of ``markers``; ``None`` when neither is there."""
    env = os.environ.get(env_var)
    if env:
        return Path(env)
    for base in _CANDIDATES:
        path = base / "data" / folder
        if all((path / m).exists() for m in markers):
            return path
    return None


def find_mirror() -> Path | None:
    return find_shared("authors-422tf", "DEEPRESOLVE_AUTHORS_MIRROR", ("models", "checksums.tsv"))


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
