# Rules of the real analysis (see CONTRIBUTING.md for conventions): the TF panel on real
# ChIP-seq sequences (config["real_sequences"], a folder laid out like
# shared/data/real-chipseq; every experiment it lists is used). The authors' own models
# on every real test set (tables/authors_real_auc.tsv), and the paper's CNN retrained on
# the real training positives that hold a FIMO instance of the TF's motif, each with one
# dinucleotide shuffle, against the authors' model on the same test sequences
# (tables/real_retrain.tsv), with DeepResolve's top filters matched to the motif. FIMO as
# tfpanel.encode_fimo; models, motifs, ascent and TOMTOM as the authors analysis. The
# Python side: deepresolve/paper/tfpanel/real.py.

REAL = f"{RESULTS}/real"
RECFG = config["real"]


rule real_fetch:
    output:
        folder=directory(f"{REAL}/sequences"),
    params:
        url=config["real_sequences"],
    log:
        f"{LOGS}/real_fetch/all.log",
    benchmark:
        f"{BENCH}/real_fetch/all.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=30,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/real_fetch.py"


rule real_models:
    input:
        sequences=f"{REAL}/sequences",
        table=AUCFG["models_table"],
    output:
        folder=directory(f"{REAL}/models"),
    params:
        url=config["authors_models_url"],
    log:
        f"{LOGS}/real_models/all.log",
    benchmark:
        f"{BENCH}/real_models/all.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=30,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/real_models.py"


rule real_sets:
    input:
        sequences=f"{REAL}/sequences",
        table=AUCFG["experiments_table"],
    output:
        sets=f"{REAL}/sets.tsv.gz",
        counts=f"{REAL}/fimo_counts.tsv",
    params:
        release=ENCODE["jaspar_release"],
        fimo=ENCODE["fimo"],
    log:
        f"{LOGS}/real_sets/all.log",
    benchmark:
        f"{BENCH}/real_sets/all.tsv"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=30,
    conda:
        ENV_MEME
    script:
        "../workflow_scripts/real_sets.py"


rule real_authors_auc:
    input:
        sets=f"{REAL}/sets.tsv.gz",
        models=f"{REAL}/models",
    output:
        auc=f"{TABLES}/authors_real_auc.tsv",
        strand=f"{REAL}/strand_auc.tsv",
    log:
        f"{LOGS}/real_authors_auc/all.log",
    benchmark:
        f"{BENCH}/real_authors_auc/all.tsv"
    threads: 2
    resources:
        mem_mb=4000,
        runtime=30,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/real_authors_auc.py"


rule real_retrain:
    input:
        sets=f"{REAL}/sets.tsv.gz",
        models=f"{REAL}/models",
    output:
        retrained=f"{REAL}/retrained.pt",
        authors=f"{REAL}/authors.pt",
        auc=f"{REAL}/retrain_auc.tsv",
    params:
        length=TFCFG["length"],
        max_train_positives=RECFG["max_train_positives"],
        train=RECFG["train"],
    log:
        f"{LOGS}/real_retrain/all.log",
    benchmark:
        f"{BENCH}/real_retrain/all.tsv"
    threads: 2
    resources:
        mem_mb=8000,
        runtime=120,
        gpu=GPUS,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/real_retrain.py"


rule real_top_filters:
    input:
        retrained=f"{REAL}/retrained.pt",
        authors=f"{REAL}/authors.pt",
        table=AUCFG["experiments_table"],
    output:
        top=f"{REAL}/top_filters.tsv",
    params:
        ascent=ascent_params("authors"),
        tomtom=AUCFG["tomtom"],
        release=AUCFG["jaspar_release"],
        top_k=RECFG["top_k"],
        threshold=RECFG["tomtom_threshold"],
    log:
        f"{LOGS}/real_top_filters/all.log",
    benchmark:
        f"{BENCH}/real_top_filters/all.tsv"
    threads: 2
    resources:
        mem_mb=4000,
        runtime=60,
        gpu=GPUS,
    conda:
        ENV_MEME
    script:
        "../workflow_scripts/real_top_filters.py"


rule real_tables:
    input:
        auc=f"{REAL}/retrain_auc.tsv",
        top=f"{REAL}/top_filters.tsv",
        authors_auc=f"{TABLES}/authors_real_auc.tsv",
        strand=f"{REAL}/strand_auc.tsv",
    output:
        retrain=f"{TABLES}/real_retrain.tsv",
        findings=f"{TABLES}/real_findings.tsv",
    params:
        max_auc_gap=RECFG["max_auc_gap"],
        min_train_positives=RECFG["min_train_positives"],
        top_k=RECFG["top_k"],
    log:
        f"{LOGS}/real_tables/all.log",
    benchmark:
        f"{BENCH}/real_tables/all.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/real_tables.py"


REAL_FINAL = [
    table("authors_real_auc", "Real sequences", "Authors' models"),
    table("real_retrain", "Real sequences", "Retrained"),
    table("real_findings", "Real sequences", "Findings"),
]
add_final("real", REAL_FINAL)


rule real_all:
    input:
        REAL_FINAL,
