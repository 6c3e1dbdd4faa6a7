"""The seed registry (deepresolve.paper.seeds): one offset per step, no two steps share a
seed, every rule that seeds has an entry, and no script adds its own offset."""

import re
from pathlib import Path

import pytest

from deepresolve.paper.seeds import STEPS, Step, seed, seeds_used

ROOT = Path(__file__).resolve().parents[1]


def test_no_two_steps_share_a_seed():
    owner: dict[int, str] = {}
    clashes = []
    for step, used in seeds_used().items():
        for s in used:
            if s in owner:
                clashes.append(f"{step} and {owner[s]} both use offset {s}")
            owner[s] = step
    assert not clashes, "\n".join(clashes)


def test_repeated_steps_do_not_overlap_their_own_repetitions():
    for name, step in STEPS.items():
        n = step.repeat * step.span
        assert len(step.seeds()) == n, f"{name}: repetitions overlap"


def test_every_rule_with_a_script_is_registered():
    rules = set()
    for smk in (ROOT / "rules").glob("*.smk"):
        text = smk.read_text()
        for m in re.finditer(r"^\s*rule (\w+):\n(.*?)(?=^\s*rule |\Z)", text, re.M | re.S):
            if "script:" in m[2]:
                rules.add(m[1])
    assert rules, "no rules found"
    missing = sorted(rules - set(STEPS))
    assert not missing, f"rules without a seed entry in deepresolve/paper/seeds.py: {missing}"
    stale = sorted(set(STEPS) - rules)
    assert not stale, f"registry entries without a rule: {stale}"


def test_no_script_adds_its_own_offset():
    offenders = [
        f"{p.name}: {m[0]}"
        for p in sorted((ROOT / "workflow_scripts").glob("*.py"))
        for m in re.finditer(r'config\["seed"\]\)?\s*\+\s*\d+|seed_offset\s*=', p.read_text())
    ]
    assert not offenders, "seeds come from deepresolve.paper.seeds:\n" + "\n".join(offenders)


def test_seed_arithmetic_and_errors():
    assert seed(7, "synthetic_generate", k=2) == 7 + STEPS["synthetic_generate"].offset + 2
    rep = STEPS["synthetic_replicate"]
    assert seed(0, "synthetic_replicate", k=1, index=3) == rep.offset + 3 * rep.stride + 1
    assert Step(10, span=2, repeat=2, stride=5).seeds() == {10, 11, 15, 16}
    with pytest.raises(KeyError, match="seeds.py"):
        seed(0, "no_such_step")
    with pytest.raises(ValueError, match="k=3"):
        seed(0, "synthetic_generate", k=3)
    with pytest.raises(ValueError, match="index=99"):
        seed(0, "synthetic_replicate", index=99)
