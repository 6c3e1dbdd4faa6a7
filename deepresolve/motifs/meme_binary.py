"""Where a MEME suite program (``tomtom``, ``fimo``) is: the environment variable that
names it, else ``PATH``, else ``<repo>/.tools/bin`` (built by ``bash envs/build_meme.sh``)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

__all__ = ["find_meme_program"]

REPO_TOOLS = Path(__file__).resolve().parents[2] / ".tools" / "bin"


def find_meme_program(name: str, env_var: str) -> str | None:
    """Path of MEME's ``name``: ``$<env_var>``, else ``name`` on ``PATH``, else
    ``<repo>/.tools/bin/<name>``; ``None`` when there is none. An ``$<env_var>`` that is not
    an executable file raises ``ValueError``."""
    env = os.environ.get(env_var)
    if env:
        if not (os.path.isfile(env) and os.access(env, os.X_OK)):
            raise ValueError(f"${env_var}={env!r} is not an executable file")
        return env
    on_path = shutil.which(name)
    if on_path:
        return on_path
    local = REPO_TOOLS / name
    if local.is_file() and os.access(local, os.X_OK):
        return str(local)
    return None
