"""DeepSEA architecture, its weight loaders (Kipoi state dict, Torch7 object tree) and the
published-data readers, on small files made here."""

import tarfile

import numpy as np
import pytest
import scipy.io
import torch
import torchfile

from deepresolve.layers import split_sequential
from deepresolve.paper.deepsea.bundle import extract_member, read_mat, validate_tarball
from deepresolve.paper.deepsea.models import (
    PAPER_ARCH,
    RESOLVE_LAYER,
    conv_output_width,
    deepsea,
    from_torch7,
    load_kipoi,
    load_model,
    read_class_names,
    receptive_field,
    resolved_shape,
    save_model,
)

AGCT = [0, 2, 1, 3]  # ACGT index of each AGCT channel (and vice versa)


@pytest.fixture(scope="module")
def paper_model():
    torch.manual_seed(0)
    return deepsea(**PAPER_ARCH).eval()


def _one_hot(n, length, seed=0):
    idx = np.random.default_rng(seed).integers(0, 4, size=(n, length))
    return torch.nn.functional.one_hot(torch.as_tensor(idx), 4).permute(0, 2, 1).float()


def test_paper_architecture_shapes(paper_model):
    x = _one_hot(2, 1000)
    assert paper_model(x).shape == (2, 919)
    assert conv_output_width(1000) == 53
    assert resolved_shape(paper_model, 1000) == (480, 60)
    body, head = split_sequential(paper_model, RESOLVE_LAYER)
    h = body(x)
    assert h.shape == (2, 480, 60)
    assert torch.allclose(head(h), paper_model(x), atol=1e-5)
    # one receptive field of the analysed layer is 51 bp, stride 16 (paper: 51 bp)
    assert receptive_field(body) == (51, 16)
    assert body(x[:, :, :51]).shape == (2, 480, 1)


def test_scaled_model_with_batchnorm_keeps_layer_names():
    m = deepsea(n_classes=5, length=300, channels=(8, 12, 16), hidden=10, batchnorm=True).eval()
    names = dict(m.named_children())
    assert {"bn1", "bn2", "bn3", RESOLVE_LAYER, "conv3"} <= set(names)
    assert m(_one_hot(3, 300)).shape == (3, 5)
    assert resolved_shape(m, 300) == (12, 16)
    with pytest.raises(ValueError, match="too short"):
        deepsea(length=40)


def test_save_load_roundtrip(tmp_path):
    arch = dict(n_classes=3, length=200, channels=(4, 5, 6), hidden=7, dropout=(0, 0, 0))
    m = deepsea(**arch).eval()
    save_model(tmp_path / "m.pt", m, arch, ["a|DNase|None", "b|CTCF|None", "c|H3K4me3|None"])
    m2, names = load_model(tmp_path / "m.pt")
    x = _one_hot(4, 200)
    assert names[1] == "b|CTCF|None"
    assert torch.equal(m(x), m2(x))
    with pytest.raises(ValueError, match="class names"):
        save_model(tmp_path / "bad.pt", m, arch, ["only one"])
    (tmp_path / "junk.pt").write_bytes(b"not a model")
    with pytest.raises(ValueError, match="junk.pt"):
        load_model(tmp_path / "junk.pt")


def _agct_params(model):
    """The model's parameters as the published files hold them: conv weights (out, in, 1, w),
    input channels in AGCT order."""
    out = []
    for name in ("conv1", "conv2", "conv3", "fc", "out"):
        mod = getattr(model, name)
        w = mod.weight.detach().clone()
        if name == "conv1":
            w = w[:, AGCT]
        if w.ndim == 3:
            w = w.unsqueeze(2)
        out += [w, mod.bias.detach().clone()]
    return out


def test_load_kipoi_state_dict_reorders_the_alphabet(tmp_path, paper_model):
    keys = ["2.0", "2.4", "2.8", "2.12.1", "2.14.1"]
    params = _agct_params(paper_model)
    state = {}
    for i, k in enumerate(keys):
        state[f"{k}.weight"], state[f"{k}.bias"] = params[2 * i], params[2 * i + 1]
    # key order in the file must not matter
    torch.save(dict(reversed(list(state.items()))), tmp_path / "deepsea_predict.pth")
    loaded = load_kipoi(tmp_path / "deepsea_predict.pth")
    x = _one_hot(2, 1000, seed=1)
    assert torch.allclose(loaded(x), paper_model(x), atol=1e-5)
    torch.save({"0.weight": torch.zeros(3)}, tmp_path / "short.pth")
    with pytest.raises(ValueError, match="expected 10"):
        load_kipoi(tmp_path / "short.pth")


def test_from_torch7_object_tree(paper_model):
    params = [p.numpy() for p in _agct_params(paper_model)]
    # Torch7's SpatialConvolutionMM stores (out, in * kH * kW)
    params[0] = params[0].reshape(320, -1)

    def module(typename, **fields):
        return torchfile.TorchObject(typename.encode(), {k.encode(): v for k, v in fields.items()})

    layers = [  # fmt: skip
        module("nn.SpatialConvolutionMM", weight=params[0], bias=params[1]),
        module("nn.Threshold"),
        module("nn.SpatialMaxPooling"),
        module("nn.Dropout"),
        module("nn.SpatialConvolutionMM", weight=params[2], bias=params[3]),
        module("nn.Threshold"),
        module("nn.SpatialMaxPooling"),
        module("nn.Dropout"),
        module("nn.SpatialConvolutionMM", weight=params[4], bias=params[5]),
        module("nn.Threshold"),
        module("nn.Dropout"),
        module("nn.Reshape"),
        module("nn.Linear", weight=params[6], bias=params[7]),
        module("nn.Threshold"),
        module("nn.Linear", weight=params[8], bias=params[9]),
        module("nn.Sigmoid"),
    ]
    root = module("nn.Sequential", modules=layers)
    loaded = from_torch7(root)
    x = _one_hot(2, 1000, seed=2)
    assert torch.allclose(loaded(x), paper_model(x), atol=1e-5)
    with pytest.raises(ValueError, match="conv2"):
        bad = list(layers)
        bad[4] = module("nn.SpatialConvolutionMM", weight=np.zeros((3, 3)), bias=params[3])
        from_torch7(module("nn.Sequential", modules=bad))


def test_class_names_and_tarball_members(tmp_path):
    names = tmp_path / "predictor.names"
    names.write_text("8988T|DNase|None\nK562|CTCF|None\n")
    (tmp_path / "deepsea.cpu").write_bytes(b"weights")
    archive = tmp_path / "bundle.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(names, arcname="DeepSEA-v0.94c/resources/predictor.names")
        tar.add(tmp_path / "deepsea.cpu", arcname="DeepSEA-v0.94c/resources/deepsea.cpu")
    validate_tarball("deepsea.cpu", "predictor.names")(archive)
    with pytest.raises(ValueError, match="train.mat"):
        validate_tarball("train.mat")(archive)
    out = extract_member(archive, "predictor.names", tmp_path / "out" / "names.txt")
    assert read_class_names(out) == ["8988T|DNase|None", "K562|CTCF|None"]
    with pytest.raises(KeyError, match="nothing.here"):
        extract_member(archive, "nothing.here", tmp_path / "x")


def test_read_mat_v5_and_v73(tmp_path):
    import h5py

    rng = np.random.default_rng(0)
    x_acgt = np.eye(4, dtype=np.uint8)[rng.integers(0, 4, size=(6, 20))].transpose(0, 2, 1)
    y = rng.integers(0, 2, size=(6, 3)).astype(np.uint8)
    x_agct = x_acgt[:, AGCT]
    scipy.io.savemat(tmp_path / "test.mat", {"testxdata": x_agct, "testdata": y})
    x2, y2 = read_mat(tmp_path / "test.mat", "test")
    assert np.array_equal(x2, x_acgt) and np.array_equal(y2, y)
    with h5py.File(tmp_path / "train.mat", "w") as f:  # v7.3 stores arrays transposed
        f["trainxdata"] = x_agct.transpose(2, 1, 0)
        f["traindata"] = y.T
    x3, y3 = read_mat(tmp_path / "train.mat", "train", n=4, seed=1)
    assert x3.shape == (4, 4, 20) and y3.shape == (4, 3)
    rows = [int(np.flatnonzero((x_acgt == r).all(axis=(1, 2)))[0]) for r in x3]
    assert np.array_equal(y3, y[rows])
    with pytest.raises(ValueError, match="split"):
        read_mat(tmp_path / "test.mat", "bogus")
