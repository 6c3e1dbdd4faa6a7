"""The README's promises: the own-model example runs as written."""

import re

from tests.workflow import REPO


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, re.S)


def test_own_model_example_runs(tmp_path, monkeypatch):
    blocks = python_blocks((REPO / "README.md").read_text())
    assert blocks, "README has no python example"
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(compile(blocks[0], "README.md", "exec"), scope)  # noqa: S102 - our own README
    res = scope["res"]
    assert res.ofiv.shape == (4, 32) and scope["similarity"].shape == (4, 4)
    assert (tmp_path / "resolution.npz").exists()
