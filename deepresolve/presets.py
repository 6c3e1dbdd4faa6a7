"""Named gradient-ascent settings for :func:`deepresolve.resolve`.

- ``"authors"``: the authors' own ascent, calibrated on their 422 trained TF models
  (``benchmarks/authors_calibration.md``): plain gradient ascent with their decaying step
  (``lr * (i - 500) ** -0.2`` after step 500; stop after 10 steps without improvement or
  at 10,000), starts ~ U(0, 1), lambda 2.8, step size 0.005. lambda was read off their
  stored OFIVs (each a stationary point of ``S(H) - 2.8 ||H||^2``); the paper itself gives
  no lambda for any analysis, only that it tried 0.3 to 2.8.
- ``"library"``: :func:`deepresolve.resolve`'s own defaults (Adam, starts ~ N(0, 1),
  lambda 1, step size 0.1, at most 1000 steps, 6 plateaus of 20 steps).

>>> import deepresolve
>>> from deepresolve.presets import ascent_preset
>>> res = deepresolve.resolve(head, (K, W), **ascent_preset("authors"))  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: ``resolve()`` keywords that make up a preset (the ascent's method, not its resources).
PRESET_KEYS = ("optimizer", "init", "l2", "lr", "steps", "patience", "n_halvings")

#: Preset name -> ``resolve()`` keywords. ``None``: the optimiser's own default
#: (:func:`deepresolve.ascent.optimizer_defaults`). ``"library"`` mirrors ``resolve()``'s
#: signature (a test keeps them equal).
ASCENT_PRESETS: dict[str, dict[str, Any]] = {
    "authors": dict(optimizer="plain", init="uniform", l2=2.8, lr=0.005, steps=None,
                    patience=None, n_halvings=None),
    "library": dict(optimizer="adam", init="normal", l2=1.0, lr=0.1, steps=None,
                    patience=None, n_halvings=None),
}  # fmt: skip

#: Other ``resolve()`` keywords a settings block may carry beside ``preset``.
OTHER_KEYS = ("n_init", "batch_size", "precision", "compact")


def ascent_preset(name: str) -> dict[str, Any]:
    """The ``resolve()`` keywords of preset ``name`` (a copy); ``KeyError`` naming the
    presets for an unknown one."""
    if name not in ASCENT_PRESETS:
        raise KeyError(f"unknown ascent preset {name!r}; choose one of {sorted(ASCENT_PRESETS)}")
    return dict(ASCENT_PRESETS[name])


def configured_block(block: Mapping[str, Any]) -> dict[str, Any]:
    """The config's top-level ``ascent`` block without its ``sensitivity`` list: the
    settings every analysis runs (:func:`ascent_settings` refuses the list)."""
    return {k: v for k, v in block.items() if k != "sensitivity"}


def describe_ascent(block: Mapping[str, Any]) -> str:
    """The ascent a settings block (its ``sensitivity`` list aside) asks for, in words,
    e.g. "preset authors: plain gradient ascent from U(0, 1) starts, lambda 2.8, step
    size 0.005, 10 starts"."""
    s = ascent_settings(configured_block(block))
    start = {"normal": "N(0, 1)", "uniform": "U(0, 1)"}.get(s["init"], str(s["init"]))
    optimizer = {"plain": "plain gradient ascent", "adam": "Adam"}.get(
        s["optimizer"], str(s["optimizer"])
    )
    text = f"preset {block['preset']}: {optimizer} from {start} starts, lambda {s['l2']:g}"
    text += f", step size {s['lr']:g}"
    if s.get("n_init") is not None:
        text += f", {s['n_init']} starts"
    return text


def ascent_settings(block: Mapping[str, Any]) -> dict[str, Any]:
    """``resolve()`` keywords of a settings block: the preset it names (``"preset"``), with
    any of :data:`PRESET_KEYS` the block also sets taking precedence, plus the block's
    :data:`OTHER_KEYS`. ``ValueError`` naming any other key."""
    unknown = sorted(set(block) - {"preset", *PRESET_KEYS, *OTHER_KEYS})
    if unknown:
        raise ValueError(
            f"ascent settings: unknown keys {unknown}; allowed: preset, "
            f"{', '.join(PRESET_KEYS + OTHER_KEYS)}"
        )
    if "preset" not in block:
        raise ValueError("ascent settings: 'preset' is required (one of "
                         f"{sorted(ASCENT_PRESETS)})")  # fmt: skip
    return {**ascent_preset(block["preset"]), **{k: v for k, v in block.items() if k != "preset"}}
