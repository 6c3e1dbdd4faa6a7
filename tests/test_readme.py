"""The README's promises: the own-model examples run as written."""

import re
import warnings

import numpy as np

from tests.workflow import REPO


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, re.S)


def own_model_blocks() -> list[str]:
    text = (REPO / "README.md").read_text()
    return python_blocks(text[text.index("## DeepResolve on your own model") :])


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


def test_every_kind_of_model_runs_as_the_readme_shows(tmp_path, monkeypatch):
    """Residual tower, several outputs, transformer: each block as written."""
    blocks = own_model_blocks()
    assert len(blocks) == 4
    monkeypatch.chdir(tmp_path)
    scopes = []
    for block in blocks[1:]:
        scope: dict = {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the notices of removed final activations
            exec(compile(block, "README.md", "exec"), scope)  # noqa: S102 - our own README
        res = scope["res"]
        assert np.isfinite(res.ofiv).all() and res.params["head"]["method"] == "graph"
        scopes.append(scope)
    assert [s["res"].fivs.shape for s in scopes] == [(2, 4, 16), (1, 4, 8), (4, 4, 16)]
    assert scopes[1]["profile"].n_classes == 2  # one per strand
    assert scopes[2]["res"].params["head"]["layout"] == "NWK"
