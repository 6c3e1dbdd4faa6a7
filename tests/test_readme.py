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


def test_results_section_is_the_summary_scripts_block():
    """The README's results are the block `python -m deepresolve.paper.summary results/
    --update README.md` writes (`make readme`; `make readme-check` compares it with a run)."""
    from deepresolve.paper.summary import END, START

    text = (REPO / "README.md").read_text()
    assert text.count(START) == 1 and text.count(END) == 1
    block = text.split(START)[1].split(END)[0]
    assert block.strip() == "" or block.startswith("\nRun of `config/"), block[:200]
