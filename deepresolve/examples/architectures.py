"""Published genomic architectures, re-implemented as their authors' code builds them, to
show and test DeepResolve on models written by others (random weights unless trained).

Each keeps what makes it awkward for an analysis cut at a layer: Basset and DeepSEA end in
a ``Sigmoid`` (DeepSEA reshapes inside ``forward``, as selene's does), Beluga is Conv2d
over ``(N, 4, 1, L)`` with ExPecto's ``Lambda`` (an ``nn.Sequential`` subclass with its own
forward), Sei is a tower of residual sums, BPNet has dilated residual layers, two outputs
(profile, counts) and optional control tracks (as bpnet-lite), and the conv+transformer
model holds its maps as ``(N, W, K)`` and ends in a ``Softplus`` (as Enformer). Sizes
default to the published ones; every size is an argument, so tests run small versions.

Shapes: one-hot DNA ``(N, 4, L)`` (Beluga: ``(N, 4, 1, L)``).
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import torch
from scipy.interpolate import BSpline
from torch import nn


def basset(
    n_classes: int = 164,
    length: int = 600,
    channels: tuple[int, int, int] = (300, 200, 200),
    widths: tuple[int, int, int] = (19, 11, 7),
    pools: tuple[int, int, int] = (3, 4, 4),
    hidden: int = 1000,
    seed: int = 0,
) -> nn.Sequential:
    """Basset (Kelley et al. 2016): three conv/batch-norm/ReLU/max-pool blocks, two
    hidden layers, ``n_classes`` sigmoid outputs; an ``nn.Sequential`` of named modules."""
    torch.manual_seed(seed)
    layers: list[tuple[str, nn.Module]] = []
    c_in, w = 4, length
    for i, (c, k, p) in enumerate(zip(channels, widths, pools, strict=True), start=1):
        layers += [(f"conv{i}", nn.Conv1d(c_in, c, k)), (f"bn{i}", nn.BatchNorm1d(c)),
                   (f"relu{i}", nn.ReLU()), (f"pool{i}", nn.MaxPool1d(p))]  # fmt: skip
        c_in, w = c, (w - k + 1) // p
    if w < 1:
        raise ValueError(f"length {length} is too short for Basset's convolutions")
    layers += [("flatten", nn.Flatten()), ("fc1", nn.Linear(c_in * w, hidden)),
               ("bn4", nn.BatchNorm1d(hidden)), ("relu4", nn.ReLU()), ("drop1", nn.Dropout(0.3)),
               ("fc2", nn.Linear(hidden, hidden)), ("bn5", nn.BatchNorm1d(hidden)),
               ("relu5", nn.ReLU()), ("drop2", nn.Dropout(0.3)),
               ("out", nn.Linear(hidden, n_classes)), ("sigmoid", nn.Sigmoid())]  # fmt: skip
    return nn.Sequential(OrderedDict(layers)).eval()


class DeepSEA(nn.Module):
    """DeepSEA (Zhou & Troyanskaya 2015) as selene-sdk writes it: ``conv_net`` (three
    convolutions, in-place ReLUs), a reshape in ``forward``, ``classifier`` ending in a
    ``Sigmoid``. The paper's analysed layer is the input of the third convolution:
    ``conv_net.7`` (480 channels x 60 positions at 1000 bp)."""

    def __init__(self, sequence_length: int = 1000, n_targets: int = 919,
                 channels: tuple[int, int, int] = (320, 480, 960), seed: int = 0):  # fmt: skip
        super().__init__()
        torch.manual_seed(seed)
        k, p = 8, 4
        c1, c2, c3 = channels
        self.conv_net = nn.Sequential(
            nn.Conv1d(4, c1, kernel_size=k), nn.ReLU(inplace=True),
            nn.MaxPool1d(kernel_size=p, stride=p), nn.Dropout(p=0.2),
            nn.Conv1d(c1, c2, kernel_size=k), nn.ReLU(inplace=True),
            nn.MaxPool1d(kernel_size=p, stride=p), nn.Dropout(p=0.2),
            nn.Conv1d(c2, c3, kernel_size=k), nn.ReLU(inplace=True), nn.Dropout(p=0.5),
        )  # fmt: skip
        reduce_by = k - 1
        self.n_channels = int(
            np.floor((np.floor((sequence_length - reduce_by) / p) - reduce_by) / p) - reduce_by
        )
        self.c3 = c3
        self.classifier = nn.Sequential(
            nn.Linear(c3 * self.n_channels, n_targets), nn.ReLU(inplace=True),
            nn.Linear(n_targets, n_targets), nn.Sigmoid(),
        )  # fmt: skip
        self.eval()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.conv_net(x)
        reshape_out = out.view(out.size(0), self.c3 * self.n_channels)
        return self.classifier(reshape_out)


class LambdaBase(nn.Sequential):
    """ExPecto's ``LambdaBase``: an ``nn.Sequential`` holding a function."""

    def __init__(self, fn, *args):
        super().__init__(*args)
        self.lambda_func = fn

    def forward_prepare(self, x):
        output = [module(x) for module in self._modules.values()]
        return output if output else x


class Lambda(LambdaBase):
    """ExPecto's ``Lambda``: its forward applies the function (it has no children)."""

    def forward(self, x):
        return self.lambda_func(self.forward_prepare(x))


def _flatten_rows(x: torch.Tensor) -> torch.Tensor:
    return x.view(x.size(0), -1)


def _rows_if_vector(x: torch.Tensor) -> torch.Tensor:
    return x.view(1, -1) if 1 == len(x.size()) else x


class Beluga(nn.Module):
    """Beluga (Zhou et al. 2018, ExPecto) as its authors write it: Conv2d with ``(1, 8)``
    kernels over ``(N, 4, 1, L)``, ``Lambda`` reshapes, a final ``Sigmoid`` inside
    ``model``. Published: 2000 bp, channels (320, 480, 640), 2002 outputs."""

    def __init__(self, length: int = 2000, channels: tuple[int, int, int] = (320, 480, 640),
                 hidden: int = 2003, n_targets: int = 2002, seed: int = 0):  # fmt: skip
        super().__init__()
        torch.manual_seed(seed)
        c1, c2, c3 = channels
        w = ((length - 14) // 4 - 14) // 4 - 14
        if w < 1:
            raise ValueError(f"length {length} is too short for Beluga's convolutions")
        self.model = nn.Sequential(
            nn.Sequential(
                nn.Conv2d(4, c1, (1, 8)), nn.ReLU(), nn.Conv2d(c1, c1, (1, 8)), nn.ReLU(),
                nn.Dropout(0.2), nn.MaxPool2d((1, 4), (1, 4)),
                nn.Conv2d(c1, c2, (1, 8)), nn.ReLU(), nn.Conv2d(c2, c2, (1, 8)), nn.ReLU(),
                nn.Dropout(0.2), nn.MaxPool2d((1, 4), (1, 4)),
                nn.Conv2d(c2, c3, (1, 8)), nn.ReLU(), nn.Conv2d(c3, c3, (1, 8)), nn.ReLU(),
            ),
            nn.Sequential(
                nn.Dropout(0.5),
                Lambda(_flatten_rows),
                nn.Sequential(Lambda(_rows_if_vector), nn.Linear(c3 * w, hidden)),
                nn.ReLU(),
                nn.Sequential(Lambda(_rows_if_vector), nn.Linear(hidden, n_targets)),
            ),
            nn.Sigmoid(),
        )  # fmt: skip
        self.eval()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model(x)


class BPNet(nn.Module):
    """BPNet as bpnet-lite writes it: a wide first convolution, ``n_layers`` dilated
    residual convolutions (``X = X + relu(conv(X))``, sums as functions), then a profile
    head ``(N, n_outputs, L - 2 * trimming)`` and a counts head ``(N, 1)``; optional
    control tracks ``X_ctl (N, n_control_tracks, L)`` enter both heads. Returns
    ``(profile, counts)``."""

    def __init__(self, n_filters: int = 64, n_layers: int = 8, n_outputs: int = 2,
                 n_control_tracks: int = 2, trimming: int | None = None,
                 seed: int = 0):  # fmt: skip
        super().__init__()
        torch.manual_seed(seed)
        self.n_layers, self.n_control_tracks = n_layers, n_control_tracks
        self.trimming = trimming if trimming is not None else 2**n_layers
        self.iconv = nn.Conv1d(4, n_filters, kernel_size=21, padding=10)
        self.irelu = nn.ReLU()
        self.rconvs = nn.ModuleList(
            [nn.Conv1d(n_filters, n_filters, kernel_size=3, padding=2**i, dilation=2**i)
             for i in range(1, n_layers + 1)]
        )  # fmt: skip
        self.rrelus = nn.ModuleList([nn.ReLU() for _ in range(n_layers)])
        self.fconv = nn.Conv1d(n_filters + n_control_tracks, n_outputs, kernel_size=75, padding=37)
        self.linear = nn.Linear(n_filters + (1 if n_control_tracks > 0 else 0), 1)
        self.eval()

    def forward(self, X: torch.Tensor, X_ctl: torch.Tensor | None = None):  # noqa: N803
        start, end = self.trimming, X.shape[2] - self.trimming
        X = self.irelu(self.iconv(X))
        for i in range(self.n_layers):
            X_conv = self.rrelus[i](self.rconvs[i](X))
            X = torch.add(X, X_conv)
        X_w_ctl = X if X_ctl is None else torch.cat([X, X_ctl], dim=1)
        y_profile = self.fconv(X_w_ctl)[:, :, start:end]
        X = torch.mean(X[:, :, start - 37 : end + 37], dim=2)
        if X_ctl is not None:
            X_ctl = torch.sum(X_ctl[:, :, start - 37 : end + 37], dim=(1, 2)).unsqueeze(-1)
            X = torch.cat([X, torch.log(X_ctl + 1)], dim=-1)
        y_counts = self.linear(X).reshape(X.shape[0], 1)
        return y_profile, y_counts


class ConvTransformer(nn.Module):
    """A small Enformer-like model: a convolutional stem with pooling, transformer layers
    over positions (``(N, W, K)``, batch first), mean over positions, a linear output
    and a ``Softplus`` (Enformer predicts non-negative coverage)."""

    def __init__(self, n_classes: int = 8, channels: int = 64, n_layers: int = 2,
                 n_heads: int = 4, pool: int = 4, seed: int = 0):  # fmt: skip
        super().__init__()
        torch.manual_seed(seed)
        self.stem = nn.Sequential(nn.Conv1d(4, channels, 15, padding=7), nn.GELU(),
                                  nn.MaxPool1d(pool))  # fmt: skip
        self.layers = nn.ModuleList(
            [nn.TransformerEncoderLayer(channels, n_heads, 2 * channels, dropout=0.1,
                                        batch_first=True) for _ in range(n_layers)]
        )  # fmt: skip
        self.norm = nn.LayerNorm(channels)
        self.out = nn.Linear(channels, n_classes)
        self.act = nn.Softplus()
        self.eval()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.stem(x).transpose(1, 2)  # (N, W, K)
        for layer in self.layers:
            h = layer(h)
        return self.act(self.out(self.norm(h).mean(1)))


def bspline_basis(n_positions: int, df: int, degree: int = 3) -> np.ndarray:
    """``(n_positions, df)`` B-spline basis over evenly spaced positions (Sei's
    ``BSplineTransformation``, unscaled)."""
    inner = np.linspace(0, n_positions - 1, df - degree + 1)
    knots = np.r_[[inner[0]] * degree, inner, [inner[-1]] * degree]
    x = np.arange(n_positions, dtype=float)
    basis = BSpline.design_matrix(x, knots, degree).toarray()
    return basis.astype(np.float32)


class BSplineTransformation(nn.Module):
    """Sei's spline pooling over positions: ``(N, K, W) -> (N, K, df)``."""

    def __init__(self, n_positions: int, df: int):
        super().__init__()
        self.register_buffer("basis", torch.from_numpy(bspline_basis(n_positions, df)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.matmul(x, self.basis)


def _block(c_in: int, c_out: int, relu: bool, drop: float | None = None, pool: bool = False):
    layers: list[nn.Module] = []
    if pool:
        layers += [nn.MaxPool1d(kernel_size=4, stride=4)]
    if drop is not None:
        layers += [nn.Dropout(p=drop)]
    layers += [nn.Conv1d(c_in, c_out, kernel_size=9, padding=4)]
    layers += [nn.ReLU(inplace=True)] if relu else []
    layers += [nn.Conv1d(c_out, c_out, kernel_size=9, padding=4)]
    layers += [nn.ReLU(inplace=True)] if relu else []
    return nn.Sequential(*layers)


class Sei(nn.Module):
    """Sei (Chen et al. 2022) as sei-framework writes it: three stages of a linear
    convolution pair (``lconv``) plus a ReLU pair (``conv``) summed with it, five dilated
    residual convolutions, B-spline pooling and a classifier ending in a ``Sigmoid``.
    Published: 4096 bp, channels (480, 640, 960), 21,907 outputs."""

    def __init__(self, sequence_length: int = 4096, n_targets: int = 21907,
                 channels: tuple[int, int, int] = (480, 640, 960), spline_df: int = 16,
                 seed: int = 0):  # fmt: skip
        super().__init__()
        torch.manual_seed(seed)
        c1, c2, c3 = channels
        self.lconv1 = _block(4, c1, relu=False)
        self.conv1 = _block(c1, c1, relu=True)
        self.lconv2 = _block(c1, c2, relu=False, drop=0.2, pool=True)
        self.conv2 = _block(c2, c2, relu=True, drop=0.2)
        self.lconv3 = _block(c2, c3, relu=False, drop=0.2, pool=True)
        self.conv3 = _block(c3, c3, relu=True, drop=0.2)
        self.dconvs = nn.ModuleList(
            [nn.Sequential(nn.Dropout(p=0.1), nn.Conv1d(c3, c3, kernel_size=5, dilation=d,
                                                        padding=2 * d), nn.ReLU(inplace=True))
             for d in (2, 4, 8, 16, 25)]
        )  # fmt: skip
        self.c3, self.spline_df = c3, spline_df
        self.spline_tr = nn.Sequential(
            nn.Dropout(p=0.5), BSplineTransformation(sequence_length // 16, spline_df)
        )
        self.classifier = nn.Sequential(
            nn.Linear(c3 * spline_df, n_targets), nn.ReLU(inplace=True),
            nn.Linear(n_targets, n_targets), nn.Sigmoid(),
        )  # fmt: skip
        self.eval()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        lout1 = self.lconv1(x)
        out1 = self.conv1(lout1)
        lout2 = self.lconv2(out1 + lout1)
        out2 = self.conv2(lout2)
        lout3 = self.lconv3(out2 + lout2)
        out3 = self.conv3(lout3)
        out = self.tower(out3 + lout3, out3)
        spline_out = self.spline_tr(out)
        reshape_out = spline_out.view(spline_out.size(0), self.c3 * self.spline_df)
        return self.classifier(reshape_out)

    def tower(self, first: torch.Tensor, out3: torch.Tensor) -> torch.Tensor:
        """The dilated residual part: ``cat_out = previous + dconv(previous sum)``."""
        out = out3 + self.dconvs[0](first)
        for dconv in self.dconvs[1:]:
            out = out + dconv(out)
        return out


class SeiHead(nn.Module):
    """A :class:`Sei`'s head after ``lconv3``, written by hand: ``(N, c3, L / 16)`` maps
    to the 21,907 (``n_targets``) logits (the final ``Sigmoid`` left out)."""

    def __init__(self, sei: Sei):
        super().__init__()
        self.sei = sei

    def forward(self, lout3: torch.Tensor) -> torch.Tensor:
        s = self.sei
        out3 = s.conv3(lout3)
        out = s.tower(out3 + lout3, out3)
        spline_out = s.spline_tr(out)
        return s.classifier[:-1](spline_out.view(spline_out.size(0), s.c3 * s.spline_df))


class ReverseComplementAverage(nn.Module):
    """Averages a model over a sequence and its reverse complement (as DeepSEA's
    published PyTorch weights do): every layer of ``model`` runs twice per input."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.model = model

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (self.model(x) + self.model(x.flip(1, 2))) / 2


def random_onehot(n: int, length: int, seed: int = 0) -> torch.Tensor:
    """``n`` random one-hot sequences ``(n, 4, length)`` (float32), seeded."""
    gen = torch.Generator().manual_seed(seed)
    idx = torch.randint(0, 4, (n, length), generator=gen)
    return torch.nn.functional.one_hot(idx, 4).permute(0, 2, 1).float().contiguous()
