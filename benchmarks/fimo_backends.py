"""FIMO backends on real ChIP-seq positives: how many instances (p < 1e-4, the TF's
JASPAR2016 motif, MEME's 0.1 pseudocount, uniform background) memelite reports with its
default 0.1-bit score bins and with the 0.01-bit bins deepresolve.motifs.fimo uses, against
MEME 5.4.1's fimo binary, and how many they share; seconds per run.

    PYTHONPATH=$PWD python benchmarks/fimo_backends.py [--real ../shared/data/real-chipseq]

Sets: the training positives of every experiment of the real sequence folder (the test
positives where there is no training set). Writes benchmarks/fimo_backends.tsv. Run by
hand; needs the fimo binary (``bash envs/build_meme.sh``).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from deepresolve.download import read_checksums
from deepresolve.io import write_tsv
from deepresolve.motifs.fimo import fimo, find_fimo
from deepresolve.motifs.jaspar import experiment_motifs, load_jaspar
from deepresolve.paper.tfpanel.real import read_real_set, real_manifest

KEY = ["sequence", "start", "strand"]


def main(real: Path) -> pd.DataFrame:
    if find_fimo() is None:
        raise SystemExit("no MEME fimo binary: run `bash envs/build_meme.sh` first")
    manifest = real_manifest(read_checksums(real / "SHA256SUMS", "sha256"))
    manifest = manifest.sort_values("split").drop_duplicates("experiment", keep="last")
    motifs = experiment_motifs("resources/tfpanel/experiments.tsv", "JASPAR2016")
    motif_of = motifs.set_index("experiment")["jaspar_id"]
    jaspar = load_jaspar("JASPAR2016")
    fimo(jaspar.subset(["MA0139.1"]), ["ACGT" * 30])  # numba compilation
    rows = []
    for row in manifest.itertuples(index=False):
        table = read_real_set(real / row.path, row.source)
        seqs = list(table.loc[table["label"] == 1, "sequence"])
        motif = jaspar.subset([motif_of[row.experiment]])
        found, seconds = {}, {}
        for name, kwargs in (
            ("memelite_bin0.1", dict(backend="memelite", bin_size=0.1)),
            ("memelite_bin0.01", dict(backend="memelite", bin_size=0.01)),
            ("meme", dict(backend="meme")),
        ):
            start = time.perf_counter()
            hits = fimo(motif, seqs, **kwargs)
            seconds[name] = time.perf_counter() - start
            found[name] = set(map(tuple, hits[KEY].to_numpy()))
        meme = found["meme"]
        out = {"experiment": row.experiment, "set": f"{row.source}/{row.split}",
               "motif": motif.ids[0], "positives": len(seqs), "meme": len(meme)}  # fmt: skip
        for name in ("memelite_bin0.1", "memelite_bin0.01"):
            out[name] = len(found[name])
            out[f"{name}_shared_with_meme"] = len(found[name] & meme)
        out.update({f"seconds_{k}": round(v, 3) for k, v in seconds.items()})
        rows.append(out)
        print(out, flush=True)
    table = pd.DataFrame(rows)
    write_tsv(Path(__file__).with_suffix(".tsv"), table)
    return table


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--real", type=Path, default=Path("../shared/data/real-chipseq"))
    main(parser.parse_args().real)
