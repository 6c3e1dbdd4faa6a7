"""docs/your_model.py runs end to end: cut points, the refusal, the resolution, the page."""

import importlib.util
import re

import numpy as np

from tests.workflow import REPO


def test_your_model_example_runs(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("your_model", REPO / "docs" / "your_model.py")
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    res = example.main(["--out", str(tmp_path), "--n-init", "3"])
    out = capsys.readouterr().out
    assert "lconv3" in out and "conv3 is refused: layer 'conv3' does not cut" in out
    assert "notice: removed the model's final Sigmoid" in out
    assert res.fivs.shape == (4, 3, 16) and np.isfinite(res.ofiv).all()
    page = (tmp_path / "index.html").read_text()
    for image in re.findall(r'src="([^"]+)"', page) + ["class0_fivs.png"]:
        assert (tmp_path / image).stat().st_size > 1000
