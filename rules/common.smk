# Shared settings, config validation and helpers. Only functions and globals here;
# each analysis keeps its rules in its own file and appends its final outputs to FINAL.
import json
import posixpath

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


# --- tfpanel: experiment names per source, known when the workflow is parsed ----------
TFPANEL_JANGGU = ["JangguOct4", "JangguMafk"]
TFPANEL_SOURCES = ("simulated", "janggu", "encode_fimo", "zeng")  # panel order
# Sources of the 422 ENCODE experiments (one per run: they name the same experiments).
TFPANEL_ENCODE_SOURCES = ("encode_fimo", "zeng")
if {"encode_fimo", "zeng"} <= set(config["tfpanel"]["sources"]):
    raise ValueError(
        "tfpanel.sources: encode_fimo and zeng name the same experiments; choose one"
    )
# Downloads of the encode_fimo source (peaks, genome): a folder of their own, not the source tree.
TFPANEL_DOWNLOADS = config["tfpanel"]["encode_fimo"]["downloads"] or f"{RESULTS}/downloads"


def tfpanel_experiments(source=None):
    """Experiment names of the TF panel, of one source or (``None``) of all, in panel order."""
    cfg = config["tfpanel"]
    names = {s: [] for s in TFPANEL_SOURCES}
    if "simulated" in cfg["sources"]:
        names["simulated"] = [f"Sim{i + 1:02d}" for i in range(cfg["n_simulated"])]
    if "janggu" in cfg["sources"]:
        names["janggu"] = list(TFPANEL_JANGGU)
    for encode in TFPANEL_ENCODE_SOURCES:
        if encode in cfg["sources"]:
            names[encode] = tfpanel_table_experiments()
    if source is not None:
        return names[source]
    return [n for s in TFPANEL_SOURCES for n in names[s]]


def tfpanel_table_experiments():
    """The experiments of tfpanel.experiments_table (its first max_experiments)."""
    import pandas as pd

    cfg = config["tfpanel"]
    table = pd.read_csv(cfg["experiments_table"], sep="\t", comment="#", dtype=str)
    return list(table["experiment"])[: cfg.get("max_experiments") or None]


def tfpanel_data_dir(source):
    """Folder holding ``<experiment>/{train,test}.data`` of a source's experiments: the
    ENCODE experiments of encode_fimo and zeng each under their own source folder."""
    base = f"{RESULTS}/tfpanel/data"
    return f"{base}/{source}" if source in TFPANEL_ENCODE_SOURCES else base


def tfpanel_folders():
    """The data folder of every panel experiment, in panel order."""
    return [
        f"{tfpanel_data_dir(s)}/{n}" for s in TFPANEL_SOURCES for n in tfpanel_experiments(s)
    ]


def tfpanel_data(source=None):
    """Train and test files of the panel's experiments (of one source, or all)."""
    sources = TFPANEL_SOURCES if source is None else [source]
    return [
        f"{tfpanel_data_dir(s)}/{n}/{split}.data"
        for s in sources
        for n in tfpanel_experiments(s)
        for split in ("train", "test")
    ]


def tfpanel_genome_download():
    """Where the genome is downloaded to (gzip, as published)."""
    name = posixpath.basename(config["tfpanel"]["encode_fimo"]["genome_url"])
    return f"{TFPANEL_DOWNLOADS}/genome/{name}"


def tfpanel_genome():
    """The encode_fimo genome as bgzip (pyfaidx) and its two index files."""
    name = posixpath.basename(config["tfpanel"]["encode_fimo"]["genome_url"])
    stem = name.removesuffix(".gz").removesuffix(".fa").removesuffix(".fasta")
    bgz = f"{TFPANEL_DOWNLOADS}/genome/{stem}.bgzf.fa.gz"
    return {"fasta": bgz, "fai": f"{bgz}.fai", "gzi": f"{bgz}.gzi"}


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
    """With sequences (authors.sequences: encode_fimo or zeng): the layer-baseline scores
    and filter activations of the authors' models, else nothing."""
    if config["authors"]["sequences"] != "none":
        return {"scores": f"{RESULTS}/authors/filter_scores.npz"}
    return {}


# --- real: the sequence sets of real_sequences (their experiments are read by the scripts)
if "real" in config["analyses"] and not config["real_sequences"]:
    raise ValueError(
        "the real analysis needs real_sequences: the URL of a folder laid out like "
        "shared/data/real-chipseq (--config real_sequences=file:///.../real-chipseq)"
    )

