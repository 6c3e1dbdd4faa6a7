# Shared settings, config validation and helpers. Only functions and globals here;
# each analysis keeps its rules in its own file and appends its final outputs to FINAL.
import json
import os
import posixpath
import re
from urllib.parse import urlparse

from snakemake.exceptions import WorkflowError
from snakemake.utils import validate


validate(config, "../config/schemas/config.schema.yaml")

RESULTS = config["results"]
LOGS = config["logs"]
# Downloaded inputs, each a fetch rule's output (never inside the source tree).
DOWNLOADS = config["downloads"] or f"{RESULTS}/downloads"
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


def tomtom_uses():
    """(config key, backend) of every TOMTOM use of the selected analyses."""
    chosen, uses = config["analyses"], []
    if "tfpanel" in chosen:
        uses.append(("tfpanel.tomtom.backend", config["tfpanel"]["tomtom"]["backend"]))
    if "deepsea" in chosen:
        uses.append(
            ("deepsea.channel_motifs.backend", config["deepsea"]["channel_motifs"]["backend"])
        )
    if "authors" in chosen:
        uses.append(("authors.tomtom.backend", config["authors"]["tomtom"]["backend"]))
        uses.append(("the authors' own-motif protocol (always MEME)", "meme"))
    return uses


def check_meme_tomtom():
    """Stop before any job when a selected analysis asks for MEME's tomtom and there is
    none (with conda, envs/meme.yaml brings it): never fall back to another distance."""
    needs = [key for key, backend in tomtom_uses() if backend == "meme"]
    if not needs or "CONDA" in str(workflow.deployment_settings.deployment_method).upper():
        return
    from deepresolve.motifs.tomtom import MEME_FIX, find_tomtom

    try:
        found, why = find_tomtom(), "not on PATH nor in .tools/bin"
    except ValueError as err:
        found, why = None, str(err)
    if found is None:
        raise WorkflowError(
            f"MEME's tomtom is required by {', '.join(needs)} but was not found ({why}): "
            f"{MEME_FIX}. Use backend: memelite only to change the method on purpose "
            "(Euclidean distance instead of Pearson)."
        )


check_meme_tomtom()


def add_final(analysis, outputs):
    """Add an analysis' final outputs (report items) to FINAL when config['analyses']
    selects it, and their captions to the report's."""
    if analysis in config["analyses"]:
        FINAL.extend(outputs)
        REPORT_ITEMS.extend(os.path.splitext(os.path.basename(str(o)))[0] for o in outputs)


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


# Every figure and table of the report has a caption template resources/report/<name>.rst;
# rule report_captions renders it with this run's tables to results/report/captions/.
REPORT_ITEMS = []  # names of the selected analyses' report items (add_final records them)


def caption_path(name):
    """The rendered caption of report item ``name`` (an output of report_captions)."""
    return os.path.abspath(f"{RESULTS}/report/captions/{name}.rst")


def figure(name, category, subcategory=None):
    """A final figure `results/figures/<name>.png`, wrapped in `report()` with the caption
    rendered from `resources/report/<name>.rst`."""
    return report(
        f"{FIGURES}/{name}.png",
        caption=caption_path(name),
        category=category,
        subcategory=subcategory,
    )


def table(name, category, subcategory=None):
    """A final table `results/tables/<name>.tsv`, in the report with its caption."""
    return report(
        f"{TABLES}/{name}.tsv",
        caption=caption_path(name),
        category=category,
        subcategory=subcategory,
    )


def findings_page(path):
    """The report's findings page, in the report with its caption."""
    return report(
        path,
        caption=caption_path("findings"),
        category="Findings",
        subcategory="The paper's findings on this run",
    )


def final_tables(wildcards):
    """The selected analyses' final tables (what captions may quote)."""
    return [str(f) for f in FINAL if str(f).startswith(f"{TABLES}/") and str(f).endswith(".tsv")]


def final_findings(wildcards):
    """The selected analyses' findings tables (tables/<analysis>_findings.tsv)."""
    return [f for f in final_tables(wildcards) if f.endswith("_findings.tsv")]


def provenance_inputs(wildcards):
    """Resolutions, models and TOMTOM tables of the selected analyses, for run_provenance."""
    chosen = config["analyses"]
    res, models, tomtom = [], [], []
    if "synthetic" in chosen:
        res += [f"{RESULTS}/synthetic/{d}/resolution.npz" for d in ("dataset1", "dataset2")]
        models += [f"{RESULTS}/synthetic/{d}/model.pt" for d in ("dataset1", "dataset2")]
    if "tfpanel" in chosen:
        res.append(f"{RESULTS}/tfpanel/resolution.npz")
        models.append(f"{RESULTS}/tfpanel/panel.pt")
        tomtom += [f"{TABLES}/{t}.tsv" for t in ("tfpanel_motif_map", "table1", "table1_rank_tests")]
    if "deepsea" in chosen:
        res.append(f"{RESULTS}/deepsea/resolution.npz")
        models.append(f"{RESULTS}/deepsea/model.pt")
        tomtom.append(f"{TABLES}/fig6_channel_motifs.tsv")
    if "authors" in chosen:
        res.append(f"{RESULTS}/authors/resolution.npz")
        models.append(f"{RESULTS}/authors/panel.pt")
        tomtom.append(f"{TABLES}/table1_authors.tsv")
        if config["authors"]["sequences"] != "none":
            tomtom.append(f"{TABLES}/table1_authors_rank_tests.tsv")
    if "real" in chosen:
        models += [f"{RESULTS}/real/{m}.pt" for m in ("retrained", "authors")]
        tomtom.append(f"{TABLES}/real_retrain.tsv")
    # every other final table too: run.json is rewritten (with the commit of that moment)
    # whenever a result changes, and only then
    others = [t for t in final_tables(wildcards) if t not in tomtom and t != RUN_PROVENANCE]
    return {"resolutions": res, "models": models, "tomtom_tables": tomtom, "tables": others}


RUN_PROVENANCE = f"{TABLES}/run_provenance.tsv"


# in merge order: the Snakefile's config/config.yaml first, then the --configfile ones
CONFIGFILES = sorted(
    dict.fromkeys(os.path.relpath(str(f)) for f in workflow.configfiles),
    key=lambda f: f != "config/config.yaml",
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
    return f"{DOWNLOADS}/genome/{name}"


def tfpanel_genome():
    """The encode_fimo genome as bgzip (pyfaidx) and its two index files."""
    name = posixpath.basename(config["tfpanel"]["encode_fimo"]["genome_url"])
    stem = name.removesuffix(".gz").removesuffix(".fa").removesuffix(".fasta")
    bgz = f"{DOWNLOADS}/genome/{stem}.bgzf.fa.gz"
    return {"fasta": bgz, "fai": f"{bgz}.fai", "gzi": f"{bgz}.gzi"}


# --- deepsea: which files exist depends on the model source ---------------------------
def deepsea_archive_name(key):
    """File name of the DeepSEA download config['deepsea']['download'][key] (a URL)."""
    return os.path.basename(urlparse(config["deepsea"]["download"][key]).path)


def deepsea_archives():
    """The published DeepSEA files a real-DeepSEA run downloads: file name -> url, hash and
    the tarball members that validate it (when no hash is published)."""
    cfg = config["deepsea"]["download"]
    split = cfg.get("split", "test")
    archives = {
        deepsea_archive_name("model_url"): {
            "url": cfg["model_url"], "hash": cfg["model_hash"],
            "members": ["deepsea.cpu", "predictor.names"],
        },
        deepsea_archive_name("data_url"): {
            "url": cfg["data_url"], "hash": cfg["data_hash"], "members": [f"{split}.mat"],
        },
    }  # fmt: skip
    if config["deepsea"]["source"] == "kipoi":
        archives[deepsea_archive_name("kipoi_url")] = {
            "url": cfg["kipoi_url"], "hash": cfg["kipoi_hash"], "members": [],
        }  # fmt: skip
    return archives


DEEPSEA_ARCHIVES = deepsea_archives() if config["deepsea"]["source"] != "simulated" else {}


def deepsea_model_archives(wildcards):
    """The downloads deepsea_fetch_model reads: the tarball (+ Kipoi's state dict)."""
    files = {"tarball": f"{DOWNLOADS}/deepsea/{deepsea_archive_name('model_url')}"}
    if config["deepsea"]["source"] == "kipoi":
        files["kipoi"] = f"{DOWNLOADS}/deepsea/{deepsea_archive_name('kipoi_url')}"
    return files


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

