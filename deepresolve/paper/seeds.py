"""The one seed registry of the workflow: every seeded step's offset, defined once.

A step's seeds are ``config["seed"] + offset + k`` for ``k < span`` (``index * stride`` is
added for steps repeated per index, e.g. the seeded replicate models). Steps are keyed by
the Snakemake rule that runs them, so :func:`deepresolve.paper.workflow.setup` finds a
script's seed from ``snakemake.rule`` alone, and ``tests/test_seeds.py`` checks that the
seeds of different steps never coincide and that every rule has an entry.

**Adding a seeded step** (a new rule): add ``"<rule>": Step(<offset>)`` below, in its
analysis' block, with an offset from that block's free range (``span=`` if the step uses
several consecutive seeds), and get its seeds with :func:`seed` (``setup()`` already seeds
the global RNGs with ``seed(config_seed, rule)``). Never write ``config["seed"] + N`` in a
script.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Step", "STEPS", "seed", "seeds_used"]


@dataclass(frozen=True)
class Step:
    """Seeds ``offset + index * stride + k`` for ``k < span`` and ``index < repeat``."""

    offset: int
    span: int = 1
    repeat: int = 1
    stride: int = 0

    def seeds(self) -> set[int]:
        stride = self.stride or self.span
        return {self.offset + i * stride + k for i in range(self.repeat) for k in range(self.span)}


# rule -> its seeds (offsets from config["seed"]). Free ranges are noted per block.
STEPS: dict[str, Step] = {
    # --- synthetic: 100-199 ----------------------------------------------------------
    "synthetic_generate": Step(100, span=3),  # + 1 / + 2: dataset I / II
    "synthetic_train": Step(110, span=3),  # + 1 / + 2: dataset I / II (split and training)
    "synthetic_resolve": Step(120, span=3),  # + 1 / + 2: dataset I / II (ascent starts)
    "synthetic_probe": Step(130),  # filter identity of the main model (insert positions)
    "synthetic_control": Step(135),  # (its ascent reuses synthetic_resolve's dataset I seed)
    "synthetic_auc": Step(140),
    "synthetic_robustness": Step(145),  # (the main row reuses synthetic_probe's seed)
    "synthetic_fig2": Step(150),
    "synthetic_diagnosis": Step(155),
    "synthetic_fig3": Step(160),
    "synthetic_fig4": Step(170),
    "synthetic_figS1": Step(180),
    "synthetic_findings": Step(190),
    # the sensitivity ascents resolve with the starts of synthetic_resolve / the control
    "synthetic_resolve_ascent": Step(192),
    "synthetic_control_ascent": Step(194),
    "synthetic_ascent_outcomes": Step(196),
    # replicate r = 1, 2, ...: data and split + 0, training + 1, ascent + 2
    "synthetic_replicate": Step(1000, span=3, repeat=99, stride=1000),
    # --- tfpanel: 200-299 ------------------------------------------------------------
    "tfpanel_simulate": Step(200, span=2),  # + 1: train/test split of the simulated pairs
    "tfpanel_janggu": Step(210),
    "tfpanel_download": Step(220),
    "tfpanel_zeng_table": Step(230),
    "tfpanel_train": Step(240),
    "tfpanel_resolve": Step(250),
    "tfpanel_baselines": Step(260),
    "tfpanel_deepmotif": Step(270),
    "tfpanel_tomtom": Step(280),
    "tfpanel_table1": Step(290),
    "tfpanel_fig5": Step(292),
    "tfpanel_figS5": Step(294),
    "tfpanel_findings": Step(296),
    "tfpanel_fetch_janggu": Step(298),
    # --- deepsea: 300-399 ------------------------------------------------------------
    "deepsea_simulate": Step(300),
    "deepsea_train": Step(310),
    "deepsea_fetch_model": Step(320),
    "deepsea_fetch_data": Step(330),
    "deepsea_download": Step(335),
    "deepsea_evaluate": Step(340),
    "deepsea_resolve": Step(350),
    "deepsea_channel_ascent": Step(360),
    "deepsea_tomtom": Step(370),
    "deepsea_fig6": Step(380),
    "deepsea_sharing": Step(390),
    "deepsea_motif_effects": Step(395),  # insertions; its L2 sweep reuses deepsea_resolve's
    "deepsea_findings": Step(398),
    # --- authors (the authors' own 422 models): 400-519 ------------------------------
    "authors_download": Step(400),
    "authors_panel": Step(410),
    "authors_resolve": Step(420),
    "authors_calibration": Step(430),
    "authors_deepmotif": Step(440),
    "authors_tomtom": Step(450),
    "authors_table1": Step(460),
    "authors_figS1": Step(470),
    "authors_figS5": Step(480),
    "authors_fig5": Step(490),
    "authors_rank_tests": Step(500),
    "authors_baselines": Step(510),
    # --- the TF panel's real data: 520-599 (the paper's windows, real-sequence checks) -
    "tfpanel_encode_md5sums": Step(520),
    "tfpanel_encode_peaks": Step(522),
    "tfpanel_genome_md5sums": Step(524),
    "tfpanel_genome_download": Step(526),
    "tfpanel_genome": Step(528),
    "tfpanel_encode_windows": Step(530),  # per experiment: this seed + a hash of its name
    "tfpanel_encode_table": Step(535),
    "real_fetch": Step(540),
    "real_models": Step(545),
    "real_sets": Step(550),
    "real_authors_auc": Step(555),
    "real_retrain": Step(560, span=2),  # + 0: instance-holding sets, their cap; + 1: training
    "real_top_filters": Step(570),
    "real_tables": Step(580),
    # --- the run as a whole (provenance, report): 800-899 ----------------------------
    "run_provenance": Step(800),
    "report_findings": Step(810),
    "report_captions": Step(820),
    # --- the ascent sensitivity of the TF panel and DeepSEA, its table: 600-629 ----------
    "tfpanel_resolve_ascent": Step(600),  # resolves with tfpanel_resolve's starts
    "tfpanel_ascent_outcomes": Step(602),
    "deepsea_resolve_ascent": Step(610),  # resolves with deepsea_resolve's starts
    "deepsea_ascent_outcomes": Step(612),
    "ascent_sensitivity": Step(620),
    # --- free for new steps: 630-799, 900-999 (any offset no other step uses: the
    # test in tests/test_seeds.py says which) ------------------------------------------
}


def seed(config_seed: int, step: str, k: int = 0, index: int = 0) -> int:
    """Seed ``k`` (``< span``) of ``step``'s ``index``-th repetition: ``config_seed +
    offset + index * stride + k``. ``KeyError`` naming the registry for an unknown step."""
    if step not in STEPS:
        raise KeyError(
            f"no seed offset for step {step!r}: add it to STEPS in deepresolve/paper/seeds.py"
        )
    s = STEPS[step]
    if not 0 <= k < s.span:
        raise ValueError(f"step {step!r} has {s.span} seed(s) per run, asked for k={k}")
    if not 0 <= index < s.repeat:
        raise ValueError(f"step {step!r} repeats {s.repeat} time(s), asked for index={index}")
    return int(config_seed) + s.offset + index * (s.stride or s.span) + k


def seeds_used() -> dict[str, set[int]]:
    """Every step's seed offsets (for the uniqueness check)."""
    return {name: step.seeds() for name, step in STEPS.items()}
