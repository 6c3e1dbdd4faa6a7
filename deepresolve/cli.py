"""``deepresolve`` on the command line: DeepResolve on a saved model in one command.

    deepresolve resolve MODEL --layer NAME --length L [--classes 0 3 5-9] [--output KEY]
                        --out DIR
    deepresolve layers MODEL --length L          # the layers the model can be cut at

``MODEL``: a module saved with ``torch.save(model, path)`` (its class importable) or a
TorchScript file of an ``nn.Sequential``. ``resolve`` writes ``DIR/resolution.npz``
(:meth:`deepresolve.Resolution.load`), ``DIR/ofiv.tsv`` and ``DIR/index.html`` with its
figures (:mod:`deepresolve.page`), reporting progress on the terminal.
"""

from __future__ import annotations

import argparse
import re
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch
from torch import nn

from deepresolve.ascent import resolve
from deepresolve.io import write_tsv
from deepresolve.layers import LAYOUTS, cut_points, unscript_sequential
from deepresolve.page import write_page

INPUT_LAYOUTS = {"N4L": "(N, 4, L)", "N41L": "(N, 4, 1, L) (Conv2d models)", "NL4": "(N, L, 4)"}
# Seed of the random one-hot example input (its shapes are what matters).
EXAMPLE_SEED = 0


def say(message: str) -> None:
    print(f"[deepresolve] {message}", file=sys.stderr, flush=True)


def load_model(path: str | Path) -> nn.Module:
    """A ``torch.save``d module, or a TorchScript ``nn.Sequential`` rebuilt as an
    ``nn.Sequential`` of its scripted modules (which can then be cut)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"model file {str(path)!r} does not exist")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # TorchScript is what we read
            scripted = torch.jit.load(str(path), map_location="cpu")
    except (RuntimeError, ValueError):
        scripted = None
    if scripted is not None:
        try:
            return unscript_sequential(scripted)
        except TypeError as err:
            raise ValueError(f"{str(path)!r}: {err}") from err
    try:
        obj = torch.load(path, map_location="cpu", weights_only=False)
    except Exception as err:
        raise ValueError(f"cannot read {str(path)!r} as a saved torch module: {err}") from err
    if isinstance(obj, dict):
        raise ValueError(
            f"{str(path)!r} holds a dict (a state_dict?), not a module: save the module itself "
            "(torch.save(model, path)) or a TorchScript file (torch.jit.script(model).save)"
        )
    if not isinstance(obj, nn.Module):
        raise ValueError(f"{str(path)!r} holds a {type(obj).__name__}, not a torch module")
    return obj


def example_input(length: int, layout: str, seed: int = EXAMPLE_SEED) -> torch.Tensor:
    """One random one-hot sequence of ``length`` in the model's input ``layout``."""
    if layout not in INPUT_LAYOUTS:
        raise ValueError(f"--input-layout must be one of {list(INPUT_LAYOUTS)}, got {layout!r}")
    gen = torch.Generator().manual_seed(seed)
    x = torch.nn.functional.one_hot(torch.randint(0, 4, (1, length), generator=gen), 4).float()
    x = x.permute(0, 2, 1).contiguous()  # (1, 4, L)
    if layout == "N41L":
        return x.unsqueeze(2)
    return x.transpose(1, 2).contiguous() if layout == "NL4" else x


def parse_classes(specs: list[str] | None) -> list[int] | None:
    """``["0", "3", "5-9"]`` -> ``[0, 3, 5, 6, 7, 8, 9]``."""
    if not specs:
        return None
    out: list[int] = []
    for part in (p for spec in specs for p in spec.split(",") if p):
        span = re.fullmatch(r"(\d+)-(\d+)", part)
        if span:
            out.extend(range(int(span[1]), int(span[2]) + 1))
        elif part.isdigit():
            out.append(int(part))
        else:
            raise ValueError(f"--classes: {part!r} is not a class index or a range like 5-9")
    return out


def parse_output(value: str | None) -> int | str | None:
    if value is None:
        return None
    return int(value) if value.lstrip("-").isdigit() else value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="deepresolve", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("model", help="torch.save'd module or TorchScript nn.Sequential")
    common.add_argument("--length", type=int, required=True, help="input sequence length (bp)")
    common.add_argument("--input-layout", default="N4L", choices=list(INPUT_LAYOUTS),
                        help="the model's input: " + ", ".join(f"{k} {v}" for k, v in
                                                                INPUT_LAYOUTS.items()))  # fmt: skip
    common.add_argument("--output", help="output index or key, for models returning several")
    sub.add_parser("layers", parents=[common], help="list the layers the model can be cut at")
    run = sub.add_parser("resolve", parents=[common], help="run DeepResolve at a layer")
    run.add_argument("--layer", required=True, help="module name, or a node from `layers`")
    run.add_argument("--out", required=True, type=Path, help="output folder")
    run.add_argument("--classes", nargs="+", help="output columns: 0 3 5-9 (default: all)")
    run.add_argument("--class-names", type=Path, help="file with one name per output column")
    run.add_argument("--layout", choices=LAYOUTS, help="the layer's layout (default: read)")
    run.add_argument("--keep-activation", action="store_true",
                     help="keep a final sigmoid/softmax/softplus (default: removed)")  # fmt: skip
    run.add_argument("--n-init", type=int, default=10, help="random starts per class")
    run.add_argument("--l2", type=float, default=1.0, help="L2 penalty lambda")
    run.add_argument("--lr", type=float, default=0.1, help="initial step size")
    run.add_argument("--steps", type=int, help="maximum ascent steps")
    run.add_argument("--optimizer", default="adam", choices=["adam", "plain"])
    run.add_argument("--init", default="normal", choices=["normal", "uniform"])
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--device", default=None, help="cpu, cuda (default: cuda when present)")
    run.add_argument("--batch-size", type=int, help="rows optimised at once (default: all)")
    run.add_argument("--max-plots", type=int, default=12, help="FIV ensembles drawn")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except (ValueError, KeyError, TypeError, FileNotFoundError) as err:
        say(f"error: {err}")
        return 2


def _run(args: argparse.Namespace) -> int:
    say(f"loading {args.model}")
    model = load_model(args.model)
    x = example_input(args.length, args.input_layout)
    output = parse_output(args.output)
    if args.command == "layers":
        for name, shape in cut_points(model, x, output=output):
            print(f"{name}\t{tuple(shape)}")
        return 0
    names = _class_names(args.class_names)
    classes = parse_classes(args.classes)
    chosen = None if names is None else [names[c] for c in (classes or range(len(names)))]
    say(f"cutting {type(model).__name__} at {args.layer!r}")
    with warnings.catch_warnings(record=True) as notices:
        warnings.simplefilter("always")
        res = resolve(
            model, layer=args.layer, example_input=x, output=output,
            logits=not args.keep_activation, layout=args.layout, classes=classes,
            n_init=args.n_init, l2=args.l2, lr=args.lr, steps=args.steps,
            optimizer=args.optimizer, init=args.init, seed=args.seed, device=args.device,
            batch_size=args.batch_size, class_names=chosen, progress=True,
        )  # fmt: skip
    for notice in notices:
        say(f"note: {notice.message}")
    head = res.params.get("head", {})
    k, w = res.params["feature_shape"]
    say(
        f"{res.n_classes} classes x {res.n_init} starts at {args.layer!r} ({k} channels x {w} "
        f"positions, {head.get('method')} head), {res.params['row_steps']} head evaluations"
    )
    args.out.mkdir(parents=True, exist_ok=True)
    res.save(args.out / "resolution.npz")
    write_tsv(args.out / "ofiv.tsv", ofiv_table(res))
    about = {"model": str(args.model), "layer": args.layer, "layout": head.get("layout"),
             "head": head.get("method"), "removed activations": "; ".join(
                 head.get("removed_activations", [])) or "-",
             "settings": _settings(res.params)}  # fmt: skip
    say("writing the page")
    page = write_page(res, args.out, title=f"DeepResolve: {Path(args.model).name} at "
                      f"{args.layer}", about=about, max_ensembles=args.max_plots)  # fmt: skip
    say(f"done: {page}")
    return 0


def _class_names(path: Path | None) -> list[str] | None:
    if path is None:
        return None
    if not path.is_file():
        raise FileNotFoundError(f"--class-names file {str(path)!r} does not exist")
    return [line.strip() for line in path.read_text().splitlines() if line.strip()]


def _settings(params: dict[str, Any]) -> str:
    keys = ("optimizer", "init", "l2", "lr", "steps", "seed", "device")
    return ", ".join(f"{k}={params[k]}" for k in keys if k in params)


def ofiv_table(res) -> pd.DataFrame:
    """One row per class: name, GMM components, then ``ofiv_k`` and ``nonadditive_k``."""
    table = pd.DataFrame({"class": res.labels(), "n_components": res.n_components})
    ofiv = pd.DataFrame(res.ofiv, columns=[f"ofiv_{k}" for k in range(res.n_channels)])
    flags = pd.DataFrame(res.nonadditive.astype(np.int8),
                         columns=[f"nonadditive_{k}" for k in range(res.n_channels)])  # fmt: skip
    return pd.concat([table, ofiv, flags], axis=1)


if __name__ == "__main__":
    sys.exit(main())
