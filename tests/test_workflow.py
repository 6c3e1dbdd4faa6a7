"""The workflow as users run it: lint, config validation, dry runs of both configs."""

import pytest

from tests.workflow import planned_jobs, snakemake


def test_lint_is_clean():
    out = snakemake("--lint")
    assert "Congratulations, your workflow is in a good condition" in out.stdout + out.stderr


@pytest.mark.parametrize(
    "override, message",
    [
        ("bogus_key=1", "'bogus_key' was unexpected"),
        ("device=gpu", "'gpu' is not one of"),
    ],
)
def test_bad_config_is_rejected_naming_the_key(override, message):
    out = snakemake("-n", "--nolock", "--config", override, check=False)
    assert out.returncode != 0
    assert message in out.stdout + out.stderr


def test_default_dry_run_plans_the_whole_paper():
    jobs = planned_jobs()
    assert jobs.get("all") == 1
