"""The TF-panel finding on real ChIP-seq peaks (janggu 0.10.2's Oct4 and MafK peaks): the
filter DeepResolve ranks first (highest OFIV) of each trained model matches the TF's own
JASPAR2014 motif (TOMTOM p < 0.05 against the whole CORE vertebrate collection).

The data, model, training, ascent and PWM conversion are the workflow's
(``workflow_scripts/tfpanel_{janggu,train,resolve,tomtom}.py``) with the settings and seed
offsets of ``config/config.yaml``; only the number of peaks per experiment is reduced.
"""

from pathlib import Path

import numpy as np
import pytest
import torch
import yaml

import deepresolve
from deepresolve.motifs.jaspar import MotifSet, load_jaspar
from deepresolve.motifs.pwm import filter_pwms, trim
from deepresolve.motifs.tomtom import find_tomtom, match_pvalue, tomtom
from deepresolve.paper.seeds import seed as step_seed
from deepresolve.paper.tfpanel.data import (
    JANGGU_EXPERIMENTS,
    JANGGU_WHEEL,
    fetch_janggu_wheel,
    peaks_experiment,
    read_wheel_fasta,
    split_pairs,
)
from deepresolve.paper.tfpanel.models import filter_weights, panel_head, panel_size, tf_panel
from deepresolve.paper.tfpanel.panel import PanelData, encode, fit_panel, panel_auc, panel_logits
from deepresolve.presets import ascent_settings, configured_block
from deepresolve.training import TrainConfig

ROOT = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
# where the default run's tfpanel_fetch_janggu puts the wheel (`make janggu` runs it)
WHEELS = ROOT / (CONFIG["downloads"] or f"{CONFIG['results']}/downloads") / "janggu"
MAX_PEAKS = 1000  # per experiment (workflow default: 2,000 of the 3,897 / 3,900)


@pytest.fixture(scope="module")
def resolved():
    if not (WHEELS / JANGGU_WHEEL).exists():
        pytest.skip(f"janggu's wheel is not in {WHEELS} (`make janggu` fetches it)")
    config = CONFIG
    cfg, seed = config["tfpanel"], int(config["seed"])
    torch.set_num_threads(1)
    jaspar = load_jaspar(cfg["jaspar_release"])
    # sha256-checked, as tfpanel_fetch_janggu does
    wheel = fetch_janggu_wheel(WHEELS / JANGGU_WHEEL, cfg["janggu_url"])

    # tfpanel_janggu
    rng = np.random.default_rng(step_seed(seed, "tfpanel_janggu"))
    train, test, motif_ids = [], [], []
    for name, (member, _tf, motif_id) in JANGGU_EXPERIMENTS.items():
        seqs = read_wheel_fasta(wheel, member)
        seqs = [seqs[i] for i in np.sort(rng.permutation(len(seqs))[:MAX_PEAKS])]
        df = peaks_experiment(seqs, jaspar.by_id(motif_id), rng, cfg["length"], name)
        a, b = split_pairs(df, cfg["test_fraction"], rng)
        train.append((encode(list(a["sequence"])), a["label"].to_numpy(np.int8)))
        test.append((encode(list(b["sequence"])), b["label"].to_numpy(np.int8)))
        motif_ids.append(motif_id)
    names = list(JANGGU_EXPERIMENTS)
    train, test = PanelData.stack(train, names), PanelData.stack(test, names)

    # tfpanel_train
    tcfg = dict(cfg["train"])
    train_seed = step_seed(seed, "tfpanel_train")
    fit, val = train.split(tcfg.pop("val_fraction"), train_seed)
    panel = tf_panel(len(names), dropout=tcfg.pop("dropout"), seed=train_seed)
    fit_panel(panel, fit, val, TrainConfig(**tcfg, seed=train_seed))
    auc = panel_auc(panel_logits(panel, test), test)

    # tfpanel_resolve
    block = configured_block(config["ascent"])
    res = deepresolve.resolve(
        panel_head(panel), (panel_size(panel)[1], 1), seed=step_seed(seed, "tfpanel_resolve"),
        class_names=names, progress=False, **ascent_settings({**block, **cfg.get("ascent", {})}),
    )  # fmt: skip

    # tfpanel_tomtom: the top-OFIV filter of each model as a trimmed PWM
    w = filter_weights(panel)  # (E, K, 4, W)
    top = res.ofiv.argmax(1)
    pwms = filter_pwms(w[np.arange(len(names)), top])
    queries = MotifSet(
        names,
        names,
        [trim(p, cfg["tomtom"]["trim_min_ic"], cfg["tomtom"]["min_width"]) for p in pwms],
    )
    return {
        "names": names,
        "motif_ids": motif_ids,
        "auc": auc,
        "queries": queries,
        "jaspar": jaspar,
    }


def test_janggu_models_learn_their_peaks(resolved):
    # Observed at this size: Oct4 ~0.9, MafK ~0.98.
    assert (resolved["auc"] > 0.8).all(), dict(zip(resolved["names"], resolved["auc"], strict=True))


@pytest.mark.parametrize("backend", ["memelite", "meme"])
def test_top_ofiv_filter_matches_the_tf_motif(resolved, backend):
    if backend == "meme" and find_tomtom() is None:
        pytest.skip("no MEME tomtom binary (bash envs/build_tomtom.sh)")
    jaspar = resolved["jaspar"]
    assert {jaspar.name_of(i) for i in resolved["motif_ids"]} == {"Pou5f1::Sox2", "MAFK"}
    hits = tomtom(resolved["queries"], jaspar, backend=backend)
    names, ids = resolved["names"], resolved["motif_ids"]
    # p[query][target]: each top filter against both experiments' TF motifs.
    p = {q: {jaspar.name_of(m): match_pvalue(hits, q, m) for m in ids} for q in names}
    print(backend, p)
    own = {q: p[q][jaspar.name_of(m)] for q, m in zip(names, ids, strict=True)}
    assert all(v < 0.05 for v in own.values()), p
    # Specific: neither matches the other TF's motif (observed p 0.13-0.61).
    other = {q: p[q][jaspar.name_of(m)] for q, m in zip(names, ids[::-1], strict=True)}
    assert all(v >= 0.05 for v in other.values()), p
