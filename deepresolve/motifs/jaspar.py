"""Motif collections: JASPAR offline through pyjaspar, and MEME motif files.

A :class:`MotifSet` holds ids, names and PWMs; every PWM is a ``(4, L)`` probability
matrix, rows in ``ACGT`` order, columns summing to 1 (the layout of :mod:`deepresolve.motifs.pwm`).
"""

from __future__ import annotations

import functools
import os
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from deepresolve.io import atomic_path

__all__ = ["MotifSet", "load_jaspar", "write_meme", "read_meme", "experiment_motifs"]

# Columns are renormalised when they sum to 1 within this tolerance; farther off is an error.
_SUM_TOL = 1e-3


@dataclass(repr=False, eq=False)
class MotifSet:
    """Named PWMs: ``ids[i]`` (unique, no whitespace), ``names[i]`` and ``pwms[i]`` of
    shape ``(4, L_i)``, rows ``ACGT``, non-negative columns summing to 1.

    Columns off by less than 1e-3 (rounding in motif files) are renormalised on
    construction; anything else raises ``ValueError`` naming the motif.
    """

    ids: list[str]
    names: list[str]
    pwms: list[np.ndarray]

    def __post_init__(self) -> None:
        self.ids = [str(i) for i in self.ids]
        self.names = [str(n) for n in self.names]
        if not (len(self.ids) == len(self.names) == len(self.pwms)):
            raise ValueError(
                f"MotifSet needs as many ids, names and pwms, got "
                f"{len(self.ids)}, {len(self.names)}, {len(self.pwms)}"
            )
        seen: set[str] = set()
        for motif_id in self.ids:
            if not motif_id or any(c.isspace() for c in motif_id):
                raise ValueError(f"motif id {motif_id!r} is empty or contains whitespace")
            if motif_id in seen:
                raise ValueError(f"duplicate motif id {motif_id!r}")
            seen.add(motif_id)
        self.pwms = [_checked_pwm(p, i) for p, i in zip(self.pwms, self.ids, strict=True)]

    @classmethod
    def from_arrays(
        cls,
        pwms: np.ndarray | Sequence[np.ndarray],
        ids: Sequence[str] | None = None,
        names: Sequence[str] | None = None,
        prefix: str = "motif",
    ) -> MotifSet:
        """Build from ``(K, 4, W)`` PWMs (or a list of ``(4, L)``); ids default to
        ``<prefix>_0 .. <prefix>_{K-1}`` and names to the ids."""
        pwm_list = [np.asarray(p) for p in pwms]
        ids = [f"{prefix}_{k}" for k in range(len(pwm_list))] if ids is None else list(ids)
        names = list(ids) if names is None else list(names)
        return cls(ids, names, pwm_list)

    def __len__(self) -> int:
        return len(self.ids)

    def __repr__(self) -> str:
        shown = ", ".join(f"{i} {n}" for i, n in zip(self.ids[:3], self.names[:3], strict=True))
        more = ", ..." if len(self) > 3 else ""
        return f"MotifSet({len(self)} motifs: {shown}{more})"

    def __iter__(self) -> Iterator[tuple[str, str, np.ndarray]]:
        """Yield ``(id, name, pwm)`` triples in order."""
        return iter(zip(self.ids, self.names, self.pwms, strict=True))

    def index(self, motif_id: str) -> int:
        """Position of ``motif_id``; ``KeyError`` naming it when absent."""
        try:
            return self._positions()[motif_id]
        except KeyError:
            raise KeyError(f"motif id {motif_id!r} not in this MotifSet") from None

    def by_id(self, motif_id: str) -> np.ndarray:
        """The ``(4, L)`` PWM of ``motif_id``."""
        return self.pwms[self.index(motif_id)]

    def name_of(self, motif_id: str) -> str:
        """The name of ``motif_id``."""
        return self.names[self.index(motif_id)]

    def subset(self, ids: Iterable[str]) -> MotifSet:
        """The motifs ``ids``, in that order (``KeyError`` naming any absent id)."""
        positions = self._positions()
        pos = []
        for motif_id in ids:
            if motif_id not in positions:
                raise KeyError(f"motif id {motif_id!r} not in this MotifSet")
            pos.append(positions[motif_id])
        return MotifSet(
            [self.ids[p] for p in pos], [self.names[p] for p in pos], [self.pwms[p] for p in pos]
        )

    def _positions(self) -> dict[str, int]:
        return {motif_id: k for k, motif_id in enumerate(self.ids)}


def _checked_pwm(pwm: np.ndarray, motif_id: str) -> np.ndarray:
    p = np.array(pwm, dtype=np.float64)
    if p.ndim != 2 or p.shape[0] != 4 or p.shape[1] < 1:
        raise ValueError(f"PWM of motif {motif_id!r} must have shape (4, L>=1), got {p.shape}")
    if not np.all(np.isfinite(p)) or np.any(p < 0):
        raise ValueError(f"PWM of motif {motif_id!r} has negative or non-finite entries")
    sums = p.sum(axis=0)
    if np.any(np.abs(sums - 1.0) > _SUM_TOL):
        bad = int(np.argmax(np.abs(sums - 1.0)))
        raise ValueError(f"PWM of motif {motif_id!r}: column {bad} sums to {sums[bad]:.4g}, not 1")
    return p / sums


def load_jaspar(
    release: str = "JASPAR2014",
    collection: str = "CORE",
    tax_group: str | Sequence[str] = "vertebrates",
    latest_only: bool = True,
) -> MotifSet:
    """JASPAR motifs from pyjaspar's bundled SQLite databases (offline), sorted by id.

    The default, JASPAR2014 CORE vertebrates latest versions (205 motifs), is the
    non-redundant collection the paper calls "JASPAR 2015". PWMs are the count matrices
    normalised per column (no pseudocounts, as MEME's JASPAR files); names are JASPAR's
    TF names (e.g. ``"CTCF"``, ``"JUN (var.2)"``).
    """
    groups = (tax_group,) if isinstance(tax_group, str) else tuple(tax_group)
    ids, names, pwms = _jaspar_cached(release, collection, groups, latest_only)
    return MotifSet(list(ids), list(names), [p.copy() for p in pwms])


@functools.lru_cache(maxsize=8)
def _jaspar_cached(
    release: str, collection: str, tax_groups: tuple[str, ...], latest_only: bool
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[np.ndarray, ...]]:
    import pyjaspar

    if release not in pyjaspar.jaspar_releases:
        raise ValueError(
            f"unknown JASPAR release {release!r}; pyjaspar has {sorted(pyjaspar.jaspar_releases)}"
        )
    db = pyjaspar.jaspardb(release=release)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Zero motifs returned": raised as ValueError below
        motifs = db.fetch_motifs(
            collection=collection, tax_group=list(tax_groups), all_versions=not latest_only
        )
    if not motifs:
        raise ValueError(
            f"no JASPAR motifs for release={release!r}, collection={collection!r}, "
            f"tax_group={list(tax_groups)!r}"
        )
    motifs = sorted(motifs, key=lambda m: _id_key(m.matrix_id))
    pwms = []
    for m in motifs:
        counts = np.array([m.counts[b] for b in "ACGT"], dtype=np.float64)
        total = counts.sum(axis=0)
        if np.any(total <= 0):
            raise ValueError(f"JASPAR motif {m.matrix_id} has an empty count column")
        pwms.append(counts / total)
    return (
        tuple(m.matrix_id for m in motifs),
        tuple(str(m.name) for m in motifs),
        tuple(pwms),
    )


def _id_key(matrix_id: str) -> tuple[str, int]:
    base, _, version = matrix_id.partition(".")
    return base, int(version) if version.isdigit() else 0


def write_meme(path: str | os.PathLike, motifs: MotifSet) -> None:
    """Write ``motifs`` as a minimal MEME motif file (DNA, uniform background), atomically.

    Each motif is ``MOTIF <id> <name>``; whitespace in names becomes ``_`` (MEME reads
    one alternate-name token).
    """
    from memelite.io import write_meme as _write

    if len(motifs) == 0:
        raise ValueError(f"no motifs to write to {os.fspath(path)}")
    entries = {}
    for motif_id, name, pwm in motifs:
        alt = "_".join(name.split())
        entries[f"{motif_id} {alt}" if alt else motif_id] = pwm
    with atomic_path(path) as tmp:
        _write(os.fspath(tmp), entries)


def read_meme(path: str | os.PathLike) -> MotifSet:
    """Read a MEME motif file (minimal MEME motif format, DNA) into a MotifSet.

    The name of a motif is its alternate name on the ``MOTIF`` line, or its id when it
    has none.
    """
    from memelite.io import read_meme as _read

    path = os.fspath(path)
    try:
        raw = _read(path)
    except (ValueError, IndexError, AttributeError) as err:
        raise ValueError(f"cannot parse MEME motif file {path}: {err}") from err
    if not raw:
        raise ValueError(f"no motifs in MEME file {path}")
    ids, names, pwms = [], [], []
    for key, pwm in raw.items():
        motif_id, _, alt = key.partition(" ")
        ids.append(motif_id)
        names.append(alt or motif_id)
        pwms.append(pwm)
    try:
        return MotifSet(ids, names, pwms)
    except ValueError as err:
        raise ValueError(f"{path}: {err}") from err


# Releases the experiment -> motif table (resources/tfpanel/experiments.tsv) maps to.
MOTIF_MAP_RELEASES = ("JASPAR2014", "JASPAR2016")
_MATCH_KINDS = {"exact", "dimer", "paralog", "none"}


def experiment_motifs(path: str | os.PathLike, release: str = "JASPAR2014") -> pd.DataFrame:
    """The known motif of each ChIP-seq experiment in ``release``, from the table
    ``resources/tfpanel/experiments.tsv``.

    Returns one row per experiment (table order) with columns ``experiment``, ``tf``
    (HGNC symbol of the ChIP'd factor), ``jaspar_id``, ``jaspar_name`` and ``match``:
    ``"exact"`` (the TF's own motif), ``"dimer"`` (a heterodimer motif containing the TF),
    ``"paralog"`` (a family member with the same site, where the release lacks the TF) or
    ``"none"`` (no usable motif; ``jaspar_id`` is ``""``, so it never counts as a hit).
    """
    if release not in MOTIF_MAP_RELEASES:
        raise ValueError(
            f"{os.fspath(path)} maps experiments to {MOTIF_MAP_RELEASES}, not {release!r}"
        )
    tag = release.lower()
    table = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    needed = ["experiment", "tf", f"{tag}_id", f"{tag}_name", f"{tag}_match"]
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise KeyError(f"{os.fspath(path)} lacks columns {missing}")
    dup = table["experiment"][table["experiment"].duplicated()]
    if len(dup):
        raise ValueError(f"{os.fspath(path)}: duplicate experiment {dup.iloc[0]!r}")
    bad = sorted(set(table[f"{tag}_match"]) - _MATCH_KINDS)
    if bad:
        raise ValueError(f"{os.fspath(path)}: unknown {tag}_match values {bad}")
    out = table[needed].rename(
        columns={f"{tag}_id": "jaspar_id", f"{tag}_name": "jaspar_name", f"{tag}_match": "match"}
    )
    return out.reset_index(drop=True)
