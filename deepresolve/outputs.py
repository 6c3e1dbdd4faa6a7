"""From a model's output to the class logits DeepResolve maximises.

DeepResolve maximises each class's score *before* the final sigmoid/softmax (the paper's
"pre-sigmoid/softmax logit"). Models often end in one (DeepSEA, Beluga and Sei in a
``Sigmoid``, Basenji/Enformer in a ``Softplus``) and often return several outputs
(BPNet's profile and counts, Enformer's heads). This module chooses the output
(:func:`select_output`), names the final activations that make an output a probability
(:data:`FINAL_ACTIVATIONS`), and reduces profile outputs to one score per track
(:func:`profile_logit`).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Union

import torch
import torch.nn.functional as F
from torch import nn

Output = Union[int, str, Callable[[Any], torch.Tensor], None]  # noqa: UP007 - a runtime alias

# Final activations turning logits into probabilities or rates: module types, functions
# and tensor methods. Softplus is invertible but compresses scores below 0 to ~0, which
# the ascent would then chase as 0 instead of as a logit.
FINAL_ACTIVATION_MODULES = (nn.Sigmoid, nn.Softmax, nn.LogSoftmax, nn.Softplus)
FINAL_ACTIVATION_FUNCTIONS = frozenset(
    {torch.sigmoid, F.sigmoid, torch.softmax, F.softmax, torch.log_softmax, F.log_softmax,
     F.softplus, torch.special.expit, torch.nn.functional.logsigmoid}
)  # fmt: skip
FINAL_ACTIVATION_METHODS = frozenset({"sigmoid", "softmax", "log_softmax"})
# Autograd nodes of those activations (for heads that cannot be traced).
FINAL_ACTIVATION_GRAD_FNS = ("Sigmoid", "Softmax", "LogSoftmax", "Softplus", "LogSigmoid")


class FinalActivationWarning(UserWarning):
    """A final sigmoid/softmax/softplus was removed so that logits are maximised."""


def notice_removed(what: str) -> None:
    """Tell the user which final activation was removed."""
    warnings.warn(
        f"removed the model's final {what}: DeepResolve maximises the scores before it "
        "(logits); pass logits=False to keep it",
        FinalActivationWarning,
        stacklevel=3,
    )


def describe_output(out: Any) -> str:
    """``tuple of 2: [(N, 3, 100), (N, 1)]``-style description of a model output."""
    if isinstance(out, torch.Tensor):
        return f"a tensor of shape {tuple(out.shape)}"
    if isinstance(out, Mapping):
        parts = ", ".join(f"{k!r}: {_shape(v)}" for k, v in out.items())
        return f"a {type(out).__name__} {{{parts}}}"
    if isinstance(out, Sequence) and not isinstance(out, str):
        parts = ", ".join(_shape(v) for v in out)
        return f"a {type(out).__name__} of {len(out)}: [{parts}]"
    return f"a {type(out).__name__}"


def _shape(v: Any) -> str:
    return str(tuple(v.shape)) if isinstance(v, torch.Tensor) else type(v).__name__


def select_output(out: Any, output: Output) -> torch.Tensor:
    """The logits ``(N, C)`` in ``out``: ``out`` itself (``output=None``), ``out[output]``
    for an index or key, or ``output(out)`` for a callable. Errors name ``output=``."""
    if output is None:
        chosen = out
    elif callable(output):
        chosen = output(out)
    else:
        try:
            chosen = out[output]
        except (KeyError, IndexError, TypeError) as err:
            raise ValueError(
                f"output={output!r} does not select anything in the model's output, "
                f"{describe_output(out)}"
            ) from err
    if not isinstance(chosen, torch.Tensor):
        hint = (
            "pass output= (an index, a key, or a callable returning (N, C) logits)"
            if output is None
            else "output= must select a tensor"
        )
        raise ValueError(f"the model returned {describe_output(out)}: {hint}")
    return chosen


def check_logits(out: torch.Tensor, rows: int, output: Output) -> None:
    """``out`` must be ``(rows, C)``; the error says how to reduce other shapes."""
    if out.ndim == 2 and out.shape[0] == rows:
        return
    hint = ""
    if out.ndim == 3:
        hint = (
            ": a profile output (N, tracks, positions) needs a reduction to one score "
            "per track, e.g. output=lambda y: profile_logit(y, (400, 600)) "
            "(deepresolve.outputs.profile_logit)"
        )
    elif out.ndim == 1:
        hint = ": one score per row needs a class axis, e.g. output=lambda y: y[:, None]"
    what = f"output={output!r}" if output is not None and not callable(output) else "the head"
    raise ValueError(
        f"{what} must give logits (N, C); for {rows} rows it gave {tuple(out.shape)}{hint}"
    )


def profile_logit(profile: torch.Tensor, window: tuple[int, int] | slice) -> torch.Tensor:
    """Log-odds that a read falls inside ``window`` ``(N, S)`` from profile logits
    ``(N, S, L)`` (BPNet, ChromBPNet): ``logsumexp(z[window]) - logsumexp(z[outside])``.

    Profile logits ``z`` are defined up to a constant per track (the softmax over
    positions ignores it), so they cannot be maximised one position at a time; the share
    of the predicted profile inside a window can, and its log-odds is unbounded like a
    class logit. ``window``: ``(start, end)`` positions or a slice, leaving at least one
    position outside. The counts head (log total counts, ``(N, S)``) needs no reduction.
    """
    if profile.ndim != 3:
        raise ValueError(f"profile must be (N, S, L), got {tuple(profile.shape)}")
    window = window if isinstance(window, slice) else slice(*window)
    inside = torch.zeros(profile.shape[-1], dtype=torch.bool, device=profile.device)
    inside[window] = True
    if not inside.any() or inside.all():
        raise ValueError(
            f"window {window} must hold some but not all of the {profile.shape[-1]} positions"
        )
    fill = torch.finfo(profile.dtype).min
    lse_in = profile.masked_fill(~inside, fill).logsumexp(-1)
    lse_out = profile.masked_fill(inside, fill).logsumexp(-1)
    return lse_in - lse_out
