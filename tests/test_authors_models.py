"""The authors' Keras 1.2 models: loader against an independent numpy evaluation, the
Theano kernel flip, the batched panel, the model table and the md5-checked download."""

import json
import shutil

import h5py
import numpy as np
import pandas as pd
import pytest
import torch

from deepresolve.download import DownloadError
from deepresolve.paper.tfpanel.authors import (
    ARCHITECTURE,
    WEIGHTS,
    fetch_models,
    load_models,
    read_model_table,
)
from deepresolve.paper.tfpanel.keras import read_keras_model, to_panel, to_tf_cnn
from tests.authors_mirror import MIRROR, REPO, needs_mirror

TABLE = REPO / "resources" / "tfpanel" / "authors_models.tsv"
# Four labs, CTCF and other TFs, dropout 0.1 and 0.5 models.
SOME = [
    "wgEncodeAwgTfbsBroadDnd41CtcfUniPk",
    "wgEncodeAwgTfbsHaibA549Tcf12V0422111Etoh02UniPk",
    "wgEncodeAwgTfbsSydhGm12891NfkbTnfaIggrabUniPk",
    "wgEncodeAwgTfbsUwK562CtcfUniPk",
]


def keras_logits_numpy(weights_file, x):
    """The Keras 1.2 / Theano model evaluated directly from the HDF5 arrays: true
    convolution (np.convolve flips the kernel) with 'same' padding, ReLU, global max-pool,
    Dense(ReLU), Dense. ``x``: one-hot (N, 4, L) -> logits (N,)."""
    with h5py.File(weights_file, "r") as f:
        group = f["model_weights"]
        layers = [n.decode() for n in group.attrs["layer_names"]]
        conv, fc, out = [n for n in layers if n.startswith(("convolution", "dense"))]
        w, b = group[conv][f"{conv}_W"][()], group[conv][f"{conv}_b"][()]
        w1, b1 = group[fc][f"{fc}_W"][()], group[fc][f"{fc}_b"][()]
        w2, b2 = group[out][f"{out}_W"][()], group[out][f"{out}_b"][()]
    logits = []
    for seq in x.astype(np.float64):
        act = np.array(
            [sum(np.convolve(seq[c], w[k, c, 0], "same") for c in range(4)) + b[k]
             for k in range(len(w))]
        )  # fmt: skip
        pooled = np.maximum(act, 0).max(axis=1)
        logits.append((np.maximum(pooled @ w1 + b1, 0) @ w2 + b2)[0])
    return np.array(logits)


def random_one_hot(n, length=101, seed=0):
    rng = np.random.default_rng(seed)
    return np.eye(4, dtype=np.float32)[rng.integers(0, 4, (n, length))].transpose(0, 2, 1)


def files(experiment):
    base = MIRROR / "models" / experiment
    return base / ARCHITECTURE, base / WEIGHTS


@needs_mirror
@pytest.mark.parametrize("experiment", SOME)
def test_loaded_model_equals_numpy_keras_evaluation(experiment):
    arch, weights = files(experiment)
    x = random_one_hot(24, seed=len(experiment))
    expected = keras_logits_numpy(weights, x)
    model = read_keras_model(weights, arch)
    got = to_tf_cnn(model)(torch.from_numpy(x)).detach().numpy()[:, 0]
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-4)
    assert expected.std() > 0.1  # the sequences give different logits: a real check
    # Without the Theano flip the model is a different function.
    unflipped = to_tf_cnn(read_keras_model(weights, arch, flip=False))
    assert np.abs(unflipped(torch.from_numpy(x)).detach().numpy()[:, 0] - expected).max() > 0.1


@needs_mirror
def test_model_config_attribute_equals_the_json_and_panel_equals_members():
    models = []
    for experiment in SOME:
        arch, weights = files(experiment)
        a, b = read_keras_model(weights, arch), read_keras_model(weights)
        for name in ("conv_w", "conv_b", "fc_w", "fc_b", "out_w", "out_b"):
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
        assert a.dropout == b.dropout and a.length == 101
        models.append(a)
    assert {m.dropout for m in models} == {0.1, 0.5}
    panel = to_panel(models)
    x = random_one_hot(7, seed=3)
    with torch.no_grad():
        out = panel(torch.from_numpy(np.tile(x, (1, len(models), 1))))
        for e, m in enumerate(models):
            np.testing.assert_allclose(
                out[:, e], to_tf_cnn(m)(torch.from_numpy(x))[:, 0], atol=1e-5
            )


@needs_mirror
def test_other_architectures_and_files_are_rejected_naming_the_file(tmp_path):
    arch, weights = files(SOME[0])
    config = json.loads(arch.read_text())
    config["config"][0]["config"]["border_mode"] = "valid"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(config))
    with pytest.raises(ValueError, match=r"bad\.json.*border_mode"):
        read_keras_model(weights, bad)
    config["config"] = config["config"][:3]
    bad.write_text(json.dumps(config))
    with pytest.raises(ValueError, match=r"bad\.json.*layers"):
        read_keras_model(weights, bad)
    junk = tmp_path / "junk.h5"
    junk.write_bytes(b"not hdf5")
    with pytest.raises(ValueError, match="junk.h5"):
        read_keras_model(junk, arch)


@needs_mirror
def test_model_table_is_the_mirrors_checksums():
    table = read_model_table(TABLE)
    mirror = pd.read_csv(MIRROR / "checksums.tsv", sep="\t")
    assert len(table) == 844 and table["experiment"].nunique() == 422
    paths = "models/" + table["experiment"] + "/" + table["file"]
    assert dict(zip(paths, table["md5"], strict=True)) == dict(
        zip(mirror["path"], mirror["md5"], strict=True)
    )


def test_model_table_errors_name_the_problem(tmp_path):
    table = read_model_table(TABLE)
    bad = tmp_path / "t.tsv"
    table.assign(md5=table["md5"].str.upper()).to_csv(bad, sep="\t", index=False)
    with pytest.raises(ValueError, match="bad md5"):
        read_model_table(bad)
    table.iloc[1:].to_csv(bad, sep="\t", index=False)
    with pytest.raises(ValueError, match="does not list exactly"):
        read_model_table(bad)


@needs_mirror
def test_download_checks_md5_and_rejects_a_corrupted_copy(tmp_path):
    table = read_model_table(TABLE)
    url = (MIRROR / "models").as_uri()
    got = fetch_models(url, SOME[:2], tmp_path / "dl", table, retries=1)
    assert len(got) == 4
    for path in got:
        assert path.read_bytes() == (MIRROR / "models" / path.parent.name / path.name).read_bytes()
    assert len(load_models(tmp_path / "dl", SOME[:2])) == 2
    # A mirror whose weights file has one byte changed is rejected, and nothing is left.
    bad = tmp_path / "bad_mirror"
    shutil.copytree(MIRROR / "models" / SOME[2], bad / SOME[2])
    target = bad / SOME[2] / WEIGHTS
    target.chmod(0o644)
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    with pytest.raises(DownloadError, match="md5"):
        fetch_models(bad.as_uri(), SOME[2:3], tmp_path / "dl2", table, retries=1)
    assert not (tmp_path / "dl2" / SOME[2] / WEIGHTS).exists()
    # A corrupted local copy is replaced by an intact download.
    local = tmp_path / "dl" / SOME[0] / WEIGHTS
    local.write_bytes(b"corrupt")
    fetch_models(url, SOME[:1], tmp_path / "dl", table, retries=1)
    assert local.read_bytes() == (MIRROR / "models" / SOME[0] / WEIGHTS).read_bytes()
    with pytest.raises(KeyError, match="not in the authors' model table"):
        fetch_models(url, ["wgEncodeNoSuchExperiment"], tmp_path / "dl", table)
