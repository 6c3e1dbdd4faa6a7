"""`deepresolve resolve` on a saved Basset-style model writes the resolution and its page
in one command; `deepresolve layers` lists where a model can be cut."""

import importlib.metadata
import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import torch
from torch import nn

from deepresolve import Resolution
from deepresolve.cli import main, parse_classes
from deepresolve.examples.architectures import DeepSEA, basset

LENGTH = 100
pytestmark = pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated")


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    where = tmp_path_factory.mktemp("models")
    model = basset(n_classes=5, length=LENGTH, channels=(8, 8, 8), widths=(9, 5, 3),
                   pools=(2, 2, 2), hidden=16)  # fmt: skip
    torch.save(model, where / "basset.pt")
    torch.jit.script(model).save(str(where / "basset_script.pt"))
    torch.save(model.state_dict(), where / "weights.pt")
    torch.jit.script(DeepSEA(sequence_length=200, n_targets=3, channels=(4, 4, 4))).save(
        str(where / "deepsea_script.pt")
    )
    (where / "names.txt").write_text("".join(f"cell{i}|tf{i}\n" for i in range(5)))
    return where


def test_resolve_writes_the_resolution_and_the_page(saved, tmp_path, capsys):
    out = tmp_path / "out"
    rc = main(["resolve", str(saved / "basset.pt"), "--layer", "pool2", "--length", str(LENGTH),
               "--classes", "0-2", "4", "--class-names", str(saved / "names.txt"),
               "--n-init", "3", "--steps", "40", "--out", str(out)])  # fmt: skip
    assert rc == 0
    err = capsys.readouterr().err
    assert "removed the model's final Sigmoid ('sigmoid')" in err  # the notice
    assert re.search(r"ascent: 100%.*12/12", err) and "[deepresolve] done:" in err
    res = Resolution.load(out / "resolution.npz")
    assert res.classes.tolist() == [0, 1, 2, 4] and res.labels()[3] == "cell4|tf4"
    assert res.fivs.shape == (4, 3, 8) and res.params["head"]["method"] == "graph"
    table = pd.read_csv(out / "ofiv.tsv", sep="\t")
    np.testing.assert_allclose(table[[f"ofiv_{k}" for k in range(8)]].to_numpy(), res.ofiv,
                               rtol=1e-6)  # fmt: skip
    page = (out / "index.html").read_text()
    images = re.findall(r'<img src="(figures/[^"]+)"', page)
    assert {"figures/ofiv.png", "figures/similarity.png"} <= set(images)
    assert sum(i.startswith("figures/fiv_ensemble_") for i in images) == 4
    for image in images:
        assert plt.imread(out / image).shape[0] > 100  # a real picture
    assert "cell4|tf4" in page and "pool2" in page


def test_torchscript_sequential_and_refusals(saved, tmp_path, capsys):
    args = ["--length", str(LENGTH), "--n-init", "2", "--steps", "5", "--classes", "1"]
    rc = main(["resolve", str(saved / "basset_script.pt"), "--layer", "pool2",
               "--out", str(tmp_path / "s"), *args])  # fmt: skip
    assert rc == 0 and Resolution.load(tmp_path / "s" / "resolution.npz").n_channels == 8
    capsys.readouterr()
    for model, match in [
        ("weights.pt", "holds a dict \\(a state_dict\\?\\)"),
        ("deepsea_script.pt", "TorchScript DeepSEA cannot be cut.*only a scripted nn.Sequential"),
        ("missing.pt", "does not exist"),
    ]:
        rc = main(["resolve", str(saved / model), "--layer", "x", "--out", str(tmp_path), *args])
        assert rc == 2 and re.search(match, capsys.readouterr().err)
    rc = main(["resolve", str(saved / "basset.pt"), "--layer", "nope", "--out", str(tmp_path),
               *args])  # fmt: skip
    assert rc == 2 and "'nope' is neither a module" in capsys.readouterr().err


def test_layers_lists_the_cut_points(saved, capsys):
    assert main(["layers", str(saved / "basset.pt"), "--length", str(LENGTH)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:4] == ["conv1\t(8, 92)", "bn1\t(8, 92)", "relu1\t(8, 92)", "pool1\t(8, 46)"]


def test_class_ranges_and_the_console_script():
    assert parse_classes(["0", "3,5-7"]) == [0, 3, 5, 6, 7]
    with pytest.raises(ValueError, match="'a' is not a class index"):
        parse_classes(["a"])
    scripts = importlib.metadata.entry_points(group="console_scripts")
    assert any(s.name == "deepresolve" and s.value == "deepresolve.cli:main" for s in scripts)


class TwoInputs(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(4, 3, 5)

    def forward(self, x, control):
        return self.conv(x).mean(2) + control


def test_a_model_needing_an_input_the_cli_cannot_give(tmp_path, capsys):
    torch.save(TwoInputs(), tmp_path / "two.pt")
    rc = main(["resolve", str(tmp_path / "two.pt"), "--layer", "conv", "--length", "20",
               "--out", str(tmp_path / "o")])  # fmt: skip
    assert rc == 2 and "second input 'control'" in capsys.readouterr().err
