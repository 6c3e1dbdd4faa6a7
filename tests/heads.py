"""Hand-built heads with known DeepResolve behaviour, shared by the core tests."""

import torch
from torch import nn


def linear_head(k: int, w: int, n_classes: int, seed: int = 0) -> nn.Sequential:
    """logit_c = <W_c, H> + b_c: the ascent optimum is H* = W_c / (2 lambda)."""
    torch.manual_seed(seed)
    return nn.Sequential(nn.Flatten(), nn.Linear(k * w, n_classes))


class XorHead(nn.Module):
    """One logit over K >= 4 channels (W = 1):

        S(H) = |h0 - h1| + h2 + 0.1 * sum_{k>=3} tanh(h_k)

    Channels 0 and 1 form an XOR pair: the penalised optimum has h0 = -h1 = +-1/(2 lambda),
    the sign depending on the start, so both are inconsistent across starts. Channel 2 is
    additive (h2 = 1/(2 lambda) always); the rest are weak additive channels.
    Built from Linear + ReLU like a real network: |x| = relu(x) + relu(-x).
    """

    def __init__(self, k: int = 8):
        super().__init__()
        self.k = k
        self.hidden = nn.Linear(k, 2)
        with torch.no_grad():
            self.hidden.weight.zero_()
            self.hidden.bias.zero_()
            self.hidden.weight[0, 0], self.hidden.weight[0, 1] = 1.0, -1.0
            self.hidden.weight[1, 0], self.hidden.weight[1, 1] = -1.0, 1.0

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        x = h[:, :, 0]
        xor = torch.relu(self.hidden(x)).sum(1)
        return (xor + x[:, 2] + 0.1 * torch.tanh(x[:, 3:]).sum(1)).unsqueeze(1)


class AdditiveHead(nn.Module):
    """S_c(H) = sum_k a_ck tanh(mean_w H_kw) with a_ck > 0: one optimum per class, so
    every start converges to the same map and every channel is additive."""

    def __init__(self, k: int, n_classes: int, seed: int = 0):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        self.register_buffer("a", torch.rand(n_classes, k, generator=g) * 2 + 0.1)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return torch.tanh(h.mean(2)) @ self.a.T


class MaxHead(nn.Module):
    """One logit over K >= 4 channels (W = 1) with two optima:

        S(H) = max(2 (h0 + h1), 3 h2) + 0.1 * sum_{k>=3} tanh(h_k)

    At lambda = 1 a start ends either at h0 = h1 = 1, h2 = 0 or at h0 = h1 = 0, h2 = 1.5,
    depending on where it starts. Channels 0 and 1 have equal FIVs in every start, so
    their OFIVs must be equal; at the second optimum both are zero up to the ascent's
    precision, with signs that differ between the two channels.
    """

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        x = h[:, :, 0]
        a, b = 2 * (x[:, 0] + x[:, 1]), 3 * x[:, 2]
        return (b + torch.relu(a - b) + 0.1 * torch.tanh(x[:, 3:]).sum(1)).unsqueeze(1)
