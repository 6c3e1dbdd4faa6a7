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

# GPUs requested by the rules that train models or run gradient ascent (`gpu=GPUS`): one,
# unless torch runs on the CPU (`device: cpu`), so that CPU-only clusters accept every job.
GPUS = 0 if config["device"] == "cpu" else 1

# Final figures and tables of the selected analyses (config["analyses"]); `rule all`
# collects them. Every analysis' rules stay defined, so one analysis may use another's
# files (Figure S1 spans three; the authors' analysis reads the tfpanel's downloads).
FINAL = []


def add_final(analysis, outputs):
    """Add an analysis' final outputs to FINAL when config['analyses'] selects it."""
    if analysis in config["analyses"]:
        FINAL.extend(outputs)


wildcard_constraints:
    dataset=r"dataset[12]",
    ascent=r"[A-Za-z0-9_.]+",  # a name of config['ascent']['sensitivity']


def ascent_params(section, variant=None):
    """The ascent settings block of a section's resolve jobs (their scripts turn it into
    `resolve()` keywords with `deepresolve.presets.ascent_settings`): the top-level `ascent`
    block, or with `variant` (a name of its `sensitivity` list) that block with the variant's
    keys, plus the section's own `batch_size`."""
    block = {k: v for k, v in config["ascent"].items() if k != "sensitivity"}
    if variant is not None:
        spec = {v["name"]: v for v in config["ascent"]["sensitivity"]}
        if variant not in spec:
            raise KeyError(f"ascent.sensitivity has no ascent named {variant!r}")
        block.update({k: v for k, v in spec[variant].items() if k != "name"})
    return {**block, **config[section].get("ascent", {})}


def sensitivity_ascents(section):
    """The ascents of the sensitivity table as ``(name, variant)`` pairs, the configured
    one first (``variant`` None); a variant whose settings equal the configured ones is
    dropped (its rows would repeat the configured row)."""
    main = ascent_params(section)
    pairs = [(f"{config['ascent']['preset']} (configured)", None)]
    for v in config["ascent"]["sensitivity"]:
        if ascent_params(section, v["name"]) != main:
            pairs.append((v["name"], v["name"]))
    return pairs


def sensitivity_inputs(section, main, variant):
    """Per ascent of :func:`sensitivity_ascents`, the file `main` (the configured ascent's)
    or the pattern `variant` formatted with the ascent's name."""
    return [main if v is None else variant.format(ascent=v) for _, v in sensitivity_ascents(section)]


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


# --- tfpanel: experiment names per source, known when the workflow is parsed ----------
TFPANEL_JANGGU = ["JangguOct4", "JangguMafk"]


def tfpanel_experiments(source=None):
    """Experiment names of the TF panel, of one source or (``None``) of all, in panel order."""
    cfg = config["tfpanel"]
    names = {"simulated": [], "janggu": [], "zeng": []}
    if "simulated" in cfg["sources"]:
        names["simulated"] = [f"Sim{i + 1:02d}" for i in range(cfg["n_simulated"])]
    if "janggu" in cfg["sources"]:
        names["janggu"] = list(TFPANEL_JANGGU)
    if "zeng" in cfg["sources"]:
        import pandas as pd

        table = pd.read_csv(cfg["experiments_table"], sep="\t", comment="#", dtype=str)
        names["zeng"] = list(table["experiment"])[: cfg.get("max_experiments") or None]
    if source is not None:
        return names[source]
    return [n for s in ("simulated", "janggu", "zeng") for n in names[s]]


def tfpanel_data(source=None):
    """Train and test files of the panel's experiments (of one source, or all)."""
    return expand(
        f"{RESULTS}/tfpanel/data/{{experiment}}/{{split}}.data",
        experiment=tfpanel_experiments(source),
        split=["train", "test"],
    )


# --- deepsea: which files exist depends on the model source ---------------------------
def deepsea_truth(wildcards):
    """The simulated compendium's truth (``{"truth": path}``), or nothing for real DeepSEA."""
    if config["deepsea"]["source"] == "simulated":
        return {"truth": f"{RESULTS}/deepsea/compendium/truth.npz"}
    return {}


def deepsea_effects(wildcards):
    """The motif-effects file of the simulated compendium (``{"effects": path}``), or nothing."""
    if config["deepsea"]["source"] == "simulated":
        return {"effects": f"{RESULTS}/deepsea/motif_effects.npz"}
    return {}


# --- authors: the authors' own trained models, known when the workflow is parsed ------
def authors_experiments():
    """Experiments of the authors' analysis: config['authors']['experiments'], or every
    model of the models table; KeyError naming any experiment the table lacks."""
    import pandas as pd

    cfg = config["authors"]
    table = pd.read_csv(cfg["models_table"], sep="\t", dtype=str)
    known = list(dict.fromkeys(table["experiment"]))
    chosen = cfg["experiments"] or known
    missing = [e for e in chosen if e not in set(known)]
    if missing:
        raise KeyError(f"{cfg['models_table']} lists no models for {missing[:5]}")
    return list(chosen)


def authors_model_files():
    """Both downloaded files of every experiment of the authors' analysis."""
    return expand(
        f"{RESULTS}/authors/models/{{experiment}}/{{file}}",
        experiment=authors_experiments(),
        file=["16_G_best_archit.json", "16_G_bestmodel_weights.h5"],
    )


def authors_sequence_inputs(wildcards):
    """With sequences (authors.sequences: zeng): the layer-baseline scores and filter
    activations of the authors' models, else nothing."""
    if config["authors"]["sequences"] == "zeng":
        return {"scores": f"{RESULTS}/authors/filter_scores.npz"}
    return {}
