"""Rebuild ``experiments.tsv`` (the 422 experiments -> JASPAR motifs; see experiments.md).

    PYTHONPATH=$PWD python resources/tfpanel/make_experiments.py \\
        ../shared/docs/deepresolve-422-experiments.txt resources/tfpanel/experiments.tsv

Run by hand; ``tests/test_jaspar.py`` checks the table it writes.
"""

from __future__ import annotations

import re
import sys

import pandas as pd

from deepresolve.io import write_tsv
from deepresolve.motifs.jaspar import MotifSet, load_jaspar

LABS = ("Broad", "Haib", "Sydh", "Uchicago", "Uta", "Uw")
# ENCODE factor token (lower case, antibody/treatment suffixes follow) -> HGNC symbol.
FACTORS = {
    "ap2alpha": "TFAP2A", "ap2gamma": "TFAP2C", "arid3a": "ARID3A", "atf1": "ATF1",
    "atf3": "ATF3", "bach1": "BACH1", "batf": "BATF", "bhlhe40": "BHLHE40", "cebpb": "CEBPB",
    "cebpd": "CEBPD", "cfos": "FOS", "efos": "FOS", "cjun": "JUN", "cmyc": "MYC",
    "creb1": "CREB1", "ctcf": "CTCF", "e2f1": "E2F1", "hae2f1": "E2F1", "e2f4": "E2F4",
    "e2f6": "E2F6", "ebf1": "EBF1", "egata2": "GATA2", "egr1": "EGR1", "ejunb": "JUNB",
    "ejund": "JUND", "elf1": "ELF1", "elk1": "ELK1", "elk4": "ELK4", "eraa": "ESR1",
    "eralphaa": "ESR1", "erra": "ESRRA", "ets1": "ETS1", "fosl1": "FOSL1", "fosl2": "FOSL2",
    "foxa1": "FOXA1", "foxa2": "FOXA2", "foxp2": "FOXP2", "gata1": "GATA1", "gata2": "GATA2",
    "gata3": "GATA3", "gr": "NR3C1", "hnf4a": "HNF4A", "hnf4g": "HNF4G", "hsf1": "HSF1",
    "irf1": "IRF1", "jund": "JUND", "maff": "MAFF", "mafk": "MAFK", "max": "MAX",
    "mef2a": "MEF2A", "mef2c": "MEF2C", "mybl2": "MYBL2", "nfatc1": "NFATC1", "nfe2": "NFE2",
    "nfic": "NFIC", "nfkb": "RELA", "nfya": "NFYA", "nfyb": "NFYB", "nrf1": "NRF1",
    "nrsf": "REST", "pax5": "PAX5", "pou2f2": "POU2F2", "pou5f1": "POU5F1", "prdm1": "PRDM1",
    "pu1": "SPI1", "rfx5": "RFX5", "runx3": "RUNX3", "rxra": "RXRA", "sp1": "SP1",
    "sp2": "SP2", "sp4": "SP4", "srebp1": "SREBF1", "srf": "SRF", "stat1": "STAT1",
    "stat3": "STAT3", "stat5a": "STAT5A", "tbp": "TBP", "tcf12": "TCF12", "tcf3": "TCF3",
    "tcf7l2": "TCF7L2", "tead4": "TEAD4", "thap1": "THAP1", "tr4": "NR2C2", "usf1": "USF1",
    "usf2": "USF2", "yy1": "YY1", "zbtb33": "ZBTB33", "zbtb7a": "ZBTB7A", "zeb1": "ZEB1",
    "znf143": "ZNF143", "znf263": "ZNF263",
}  # fmt: skip
# TFs without a motif of their own in a release: a heterodimer containing the TF, else a
# paralog with the same site (JASPAR2014 only), else none.
FALLBACK = {
    "JASPAR2014": {
        "BACH1": ("MA0591.1", "dimer"), "BATF": ("MA0462.1", "dimer"),
        "NFE2": ("MA0501.1", "dimer"), "POU5F1": ("MA0142.1", "dimer"),
        "STAT5A": ("MA0519.1", "dimer"), "ATF1": ("MA0018.2", "paralog"),
        "ATF3": ("MA0018.2", "paralog"), "CEBPD": ("MA0466.1", "paralog"),
        "MYBL2": ("MA0100.2", "paralog"), "NFATC1": ("MA0152.1", "paralog"),
        "RUNX3": ("MA0002.2", "paralog"), "SP4": ("MA0079.3", "paralog"),
        "TEAD4": ("MA0090.1", "paralog"), "ZBTB7A": ("", "none"),
    },
    "JASPAR2016": {
        "BACH1": ("MA0591.1", "dimer"), "BATF": ("MA0462.1", "dimer"),
        "POU5F1": ("MA0142.1", "dimer"), "STAT5A": ("MA0519.1", "dimer"),
    },
}  # fmt: skip
# The release whose ids fill `jaspar_ids` (the configs' jaspar_release).
CONFIGURED = "JASPAR2014"


def motif_of(tf: str, release: str, motifs: MotifSet) -> tuple[str, str]:
    """(JASPAR id, match kind) of ``tf`` in ``release``."""
    own = [i for i, n in zip(motifs.ids, motifs.names, strict=True) if n.upper() == tf]
    if tf in FALLBACK[release]:
        if own:
            raise ValueError(f"{tf} has its own motif {own} in {release}: drop the fallback")
        return FALLBACK[release][tf]
    if len(own) != 1:
        raise ValueError(f"{tf}: {len(own)} motifs named for it in {release}")
    return own[0], "exact"


def build(experiments: list[str]) -> pd.DataFrame:
    collections = {release: load_jaspar(release) for release in FALLBACK}
    rows = []
    for name in experiments:
        core = re.fullmatch(r"wgEncodeAwgTfbs(\w+)UniPk", name)
        tokens = re.findall(r"[A-Z][^A-Z]*", core.group(1)) if core else []
        if len(tokens) < 3 or tokens[0] not in LABS:
            raise ValueError(f"cannot parse experiment name {name!r}")
        lab, cell, token = tokens[:3]
        keys = [k for k in FACTORS if token.lower().startswith(k)]
        if not keys:
            raise KeyError(f"{name}: unknown factor {token!r}")
        key = max(keys, key=len)
        row = dict(experiment=name, lab=lab, cell=cell, factor=token[: len(key)], tf=FACTORS[key])
        for release, motifs in collections.items():
            motif_id, kind = motif_of(row["tf"], release, motifs)
            tag = release.lower()
            row[f"{tag}_id"] = motif_id
            row[f"{tag}_name"] = motifs.name_of(motif_id) if motif_id else ""
            row[f"{tag}_match"] = kind
        rows.append(row)
    table = pd.DataFrame(rows)
    table.insert(5, "jaspar_ids", table[f"{CONFIGURED.lower()}_id"])
    return table


def main() -> None:
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    with open(sys.argv[1]) as fh:
        experiments = [line.strip() for line in fh if line.strip()]
    write_tsv(sys.argv[2], build(experiments))


if __name__ == "__main__":
    main()
