"""Where a run's numbers were computed: read from the files themselves."""

import json

import pandas as pd
import pytest
import torch
from torch import nn

import deepresolve
from deepresolve.paper.provenance import git_commit, provenance_table, write_run_record
from deepresolve.paper.synthetic.models import save_model, synthetic_cnn
from deepresolve.runtime import provenance


def test_provenance_table_reads_resolution_model_and_tomtom_table(tmp_path):
    head = nn.Sequential(nn.Flatten(), nn.Linear(6, 2))
    res = deepresolve.resolve(head, (3, 2), n_init=2, steps=5, seed=0, progress=False,
                              device="cpu")  # fmt: skip
    assert res.params["device"] == "cpu" and res.params["precision"] == "float32"
    assert res.params["torch"] == str(torch.__version__) and res.params["device_name"]
    res.save(tmp_path / "r" / "resolution.npz")
    spec = dict(n_filters=4, filter_width=3, pool=2, hidden=5, length=20)
    save_model(tmp_path / "r" / "model.pt", synthetic_cnn(**spec), spec, provenance("cpu"))
    hits = tmp_path / "r" / "hits.tsv"
    pd.DataFrame({"q": [1, 2], "tomtom_backend": "meme", "tomtom_distance": "pearson"}).to_csv(
        hits, sep="\t", index=False
    )
    table = provenance_table(tmp_path / "r", [tmp_path / "r" / "resolution.npz"],
                             [tmp_path / "r" / "model.pt"], [hits])  # fmt: skip
    assert table["file"].tolist() == ["resolution.npz", "model.pt", "hits.tsv"]
    assert table["device"].tolist()[:2] == ["cpu", "cpu"]
    assert table.loc[2, ["tomtom_backend", "tomtom_distance"]].tolist() == ["meme", "pearson"]
    pd.DataFrame({"q": [1]}).to_csv(hits, sep="\t", index=False)
    with pytest.raises(ValueError, match="must record"):
        provenance_table(tmp_path, tomtom_tables=[hits])


def test_run_record_and_commit(tmp_path):
    config = {"seed": 2, "device": "cpu", "analyses": ["synthetic"], "results": "r"}
    write_run_record(tmp_path / "run.json", config, ["config/config.yaml"], "abc")
    run = json.loads((tmp_path / "run.json").read_text())
    assert run["seed"] == 2 and run["commit"] == "abc" and run["config"] == config
    assert git_commit(tmp_path) == "unknown (not a git checkout)"
