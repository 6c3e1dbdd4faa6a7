# Shared settings, config validation and helpers. Only functions and globals here;
# each analysis keeps its rules in its own file and appends its final outputs to FINAL.
import json

from snakemake.utils import validate


validate(config, "../config/schemas/config.schema.yaml")

RESULTS = config["results"]
LOGS = config["logs"]
BENCH = f"{RESULTS}/benchmarks"
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
