"""DeepResolve on a model written by others, end to end: a Sei-like residual tower.

    python docs/your_model.py --out your_model_out

1. lists the layers that cut the model (`cut_points`);
2. shows the refusal for a layer inside a residual stage;
3. resolves the classes at a layer that cuts (`resolve(model, layer=..., example_input=...)`:
   the final Sigmoid is removed with a notice);
4. draws the pictures (one call each) and writes the HTML page.

Replace the model and the example input with yours (random weights here).
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

import deepresolve  # noqa: E402
from deepresolve.examples.architectures import Sei, random_onehot  # noqa: E402
from deepresolve.io import save_figure  # noqa: E402
from deepresolve.layers import CutError, cut_points  # noqa: E402
from deepresolve.page import write_page  # noqa: E402
from deepresolve.plotting.resolution import fiv_ensemble, ofiv_map, similarity_map  # noqa: E402


def main(argv: list[str] | None = None) -> deepresolve.Resolution:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("your_model_out"))
    parser.add_argument("--n-init", type=int, default=6)
    args = parser.parse_args(argv)

    model = Sei(sequence_length=128, n_targets=4, channels=(8, 12, 16), spline_df=4, seed=1)
    x = random_onehot(1, 128)  # one input of the model, (1, 4, L)

    print("layers that cut the model:")
    for name, shape in cut_points(model, x):
        print(f"  {name:14s} {shape}")
    try:
        deepresolve.resolve(model, layer="conv3", example_input=x)
    except CutError as err:
        print(f"\nconv3 is refused: {err}\n")

    with warnings.catch_warnings(record=True) as notices:
        warnings.simplefilter("always")
        res = deepresolve.resolve(model, layer="lconv3", example_input=x, n_init=args.n_init,
                                  seed=0, progress=False)  # fmt: skip
    for notice in notices:
        print(f"notice: {notice.message}")
    print(f"OFIVs {res.ofiv.shape}; GMM components per class {res.n_components.tolist()}")

    args.out.mkdir(parents=True, exist_ok=True)
    res.save(args.out / "resolution.npz")
    # each picture is one call (in a notebook, the figure shows itself)
    save_figure(fiv_ensemble(res, 0), args.out / "class0_fivs.png")
    ofiv_map(res), similarity_map(res)
    page = write_page(res, args.out, title="DeepResolve on a Sei-like tower",
                      about={"layer": "lconv3"}, max_ensembles=2)  # fmt: skip
    print(f"page: {page}")
    plt.close("all")
    return res


if __name__ == "__main__":
    main()
