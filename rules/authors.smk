# Rules of the authors analysis (see CONTRIBUTING.md for conventions): the authors' own 422
# trained TF models (lgsaber/DeepResolve, pinned commit), downloaded md5-checked from
# config["authors_models_url"]. DeepResolve with the ascent calibrated on the authors'
# stored results, enhanced DeepMotif, Table 1 by the authors' protocol (MEME tomtom against
# the TF's own motif, E-value) and by the whole-collection one, Figures S1 and S5; with
# sequences (authors.sequences: encode_fimo, the paper's data; or zeng) also the layer
# baselines, Figure 5 and the rank tests. The Python side lives in deepresolve/paper/tfpanel/ (authors, keras,
# calibration, own_motif).

AUT = f"{RESULTS}/authors"
AUCFG = config["authors"]


rule authors_download:
    input:
        table=AUCFG["models_table"],
    output:
        files=authors_model_files(),
    params:
        url=config["authors_models_url"],
        experiments=authors_experiments(),
    log:
        f"{LOGS}/authors_download/all.log",
    benchmark:
        f"{BENCH}/authors_download/all.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=30,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/authors_download.py"


rule authors_panel:
    input:
        files=authors_model_files(),
        experiments_table=AUCFG["experiments_table"],
    output:
        model=f"{AUT}/panel.pt",
        experiments=f"{AUT}/experiments.tsv",
    params:
        experiments=authors_experiments(),
        release=AUCFG["jaspar_release"],
    log:
        f"{LOGS}/authors_panel/all.log",
    benchmark:
        f"{BENCH}/authors_panel/all.tsv"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/authors_panel.py"


rule authors_resolve:
    input:
        model=f"{AUT}/panel.pt",
    output:
        resolution=f"{AUT}/resolution.npz",
        ofiv=f"{TABLES}/authors_ofiv.tsv",
    params:
        ascent=ascent_params("authors"),
    log:
        f"{LOGS}/authors_resolve/all.log",
    benchmark:
        f"{BENCH}/authors_resolve/all.tsv"
    # 16-wide heads: one thread is fastest (benchmarks/authors_ascent.md)
    threads: 1
    resources:
        mem_mb=4000,
        runtime=30,
        gpu=GPUS,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/authors_resolve.py"


rule authors_calibration:
    input:
        resolution=f"{AUT}/resolution.npz",
        stored=AUCFG["stored_results"],
    output:
        table=f"{TABLES}/authors_calibration.tsv",
        per_model=f"{AUT}/calibration_per_model.tsv",
    log:
        f"{LOGS}/authors_calibration/all.log",
    benchmark:
        f"{BENCH}/authors_calibration/all.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/authors_calibration.py"


rule authors_deepmotif:
    input:
        model=f"{AUT}/panel.pt",
        experiments=f"{AUT}/experiments.tsv",
    output:
        motifs=f"{AUT}/deepmotif.npz",
    params:
        cfg=AUCFG["deepmotif"],
    log:
        f"{LOGS}/authors_deepmotif/all.log",
    benchmark:
        f"{BENCH}/authors_deepmotif/all.tsv"
    threads: 2
    resources:
        mem_mb=8000,
        runtime=120,
        gpu=GPUS,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/authors_deepmotif.py"


rule authors_tomtom:
    input:
        model=f"{AUT}/panel.pt",
        motifs=f"{AUT}/deepmotif.npz",
        experiments=f"{AUT}/experiments.tsv",
    output:
        pvalues=f"{AUT}/motif_pvalues.npz",
        hits=f"{AUT}/tomtom_best_hits.tsv",
    params:
        cfg=AUCFG["tomtom"],
        release=AUCFG["jaspar_release"],
    log:
        f"{LOGS}/authors_tomtom/all.log",
    benchmark:
        f"{BENCH}/authors_tomtom/all.tsv"
    threads: 2
    resources:
        mem_mb=8000,
        runtime=240,
    conda:
        ENV_MEME
    script:
        "../workflow_scripts/authors_tomtom.py"


rule authors_table1:
    input:
        unpack(authors_sequence_inputs),
        resolution=f"{AUT}/resolution.npz",
        pvalues=f"{AUT}/motif_pvalues.npz",
    output:
        table1=f"{TABLES}/table1_authors.tsv",
    params:
        ks=AUCFG["ks"],
        thresholds=AUCFG["thresholds"],
    log:
        f"{LOGS}/authors_table1/all.log",
    benchmark:
        f"{BENCH}/authors_table1/all.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/authors_table1.py"


rule authors_figS1:
    input:
        resolution=f"{AUT}/resolution.npz",
        stored=AUCFG["stored_results"],
    output:
        fig=f"{FIGURES}/figS1_authors.png",
    log:
        f"{LOGS}/authors_figS1/all.log",
    benchmark:
        f"{BENCH}/authors_figS1/all.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/authors_figS1.py"


rule authors_figS5:
    input:
        unpack(authors_sequence_inputs),
        model=f"{AUT}/panel.pt",
        resolution=f"{AUT}/resolution.npz",
        pvalues=f"{AUT}/motif_pvalues.npz",
    output:
        fig=f"{FIGURES}/figS5_authors.png",
        information=f"{AUT}/filter_information.tsv",
    log:
        f"{LOGS}/authors_figS5/all.log",
    benchmark:
        f"{BENCH}/authors_figS5/all.tsv"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=5,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/authors_figS5.py"


# --- with sequences (authors.sequences: encode_fimo or zeng, built by the tfpanel rules) ---
rule authors_baselines:
    input:
        model=f"{AUT}/panel.pt",
        experiments=f"{AUT}/experiments.tsv",
        data=expand(
            f"{RESULTS}/tfpanel/data/{AUCFG['sequences']}/{{experiment}}/train.data",
            experiment=authors_experiments(),
        ),
    output:
        scores=f"{AUT}/filter_scores.npz",
    params:
        max_positives=AUCFG["max_positives"],
    log:
        f"{LOGS}/authors_baselines/all.log",
    benchmark:
        f"{BENCH}/authors_baselines/all.tsv"
    threads: 2
    resources:
        mem_mb=16000,
        runtime=240,
        gpu=GPUS,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/authors_baselines.py"


rule authors_rank_tests:
    input:
        resolution=f"{AUT}/resolution.npz",
        scores=f"{AUT}/filter_scores.npz",
        pvalues=f"{AUT}/motif_pvalues.npz",
    output:
        rank_tests=f"{TABLES}/table1_authors_rank_tests.tsv",
        best=f"{AUT}/best_filter_ranks.tsv",
    params:
        max_p=AUCFG["rank_test_max_p"],
    log:
        f"{LOGS}/authors_rank_tests/all.log",
    benchmark:
        f"{BENCH}/authors_rank_tests/all.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/authors_rank_tests.py"


rule authors_fig5:
    input:
        resolution=f"{AUT}/resolution.npz",
        scores=f"{AUT}/filter_scores.npz",
        pvalues=f"{AUT}/motif_pvalues.npz",
    output:
        fig=f"{FIGURES}/fig5_authors.png",
    log:
        f"{LOGS}/authors_fig5/all.log",
    benchmark:
        f"{BENCH}/authors_fig5/all.tsv"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=5,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/authors_fig5.py"


AUTHORS_FINAL = [
    table("authors_ofiv", "Authors' models", "OFIVs"),
    table("authors_calibration", "Authors' models", "Calibration"),
    table("table1_authors", "Authors' models", "Table 1"),
    figure("figS1_authors", "Authors' models", "Figure S1"),
    figure("figS5_authors", "Authors' models", "Figure S5"),
]
if AUCFG["sequences"] != "none":
    AUTHORS_FINAL += [
        table("table1_authors_rank_tests", "Authors' models", "Table 1 rank tests"),
        figure("fig5_authors", "Authors' models", "Figure 5"),
    ]
add_final("authors", AUTHORS_FINAL)


rule authors_all:
    input:
        AUTHORS_FINAL,
