# Shared settings, config validation and helpers. Only functions and globals here;
# each analysis keeps its rules in its own file and appends its final outputs to FINAL.
import json

from snakemake.utils import validate


validate(config, "../config/schemas/config.schema.yaml")

RESULTS = config["results"]
LOGS = config["logs"]
BENCH = f"{RESULTS}/benchmarks"
FIGURES = f"{RESULTS}/figures"
TABLES = f"{RESULTS}/tables"
ENV_PY = "../envs/deepresolve.yaml"
ENV_MEME = "../envs/meme.yaml"

# Final figures and tables; `rule all` collects them.
FINAL = []


wildcard_constraints:
    dataset=r"dataset[12]",


def ascent_params(section):
    """Gradient-ascent settings of a config section, falling back to config['ascent']."""
    return {**config["ascent"], **config[section].get("ascent", {})}


def as_json(obj):
    """Stable string form of a config value, for `params:` (re-runs on change)."""
    return json.dumps(obj, sort_keys=True)


def figure(name, category, subcategory=None):
    """A final figure `results/figures/<name>.png`, wrapped in `report()` with the caption
    `resources/report/<name>.rst`."""
    return report(
        f"{FIGURES}/{name}.png",
        caption=f"../resources/report/{name}.rst",
        category=category,
        subcategory=subcategory,
    )


def table(name, category, subcategory=None):
    """A final table `results/tables/<name>.tsv`, in the report with its caption."""
    return report(
        f"{TABLES}/{name}.tsv",
        caption=f"../resources/report/{name}.rst",
        category=category,
        subcategory=subcategory,
    )


# --- helpers of individual analyses below; append, one block per analysis ------------
