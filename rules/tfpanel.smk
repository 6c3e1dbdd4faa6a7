# Rules of the tfpanel analysis (see CONTRIBUTING.md for conventions).
# A panel of TF-binding CNNs (paper: 422 ENCODE ChIP-seq experiments, 101-bp windows
# centred on FIMO instances of the TF's motif in the peaks, source encode_fimo; default:
# simulated experiments plus janggu's Oct4/MafK peaks), trained as one batched network;
# DeepResolve and the baselines rank each model's filters, TOMTOM matches them to the
# TF's JASPAR motif: Table 1 and its rank tests, Figures 5 and S5, test AUCs, motif map.

TFP = f"{RESULTS}/tfpanel"
TFCFG = config["tfpanel"]
ENCODE = TFCFG["encode_fimo"]


rule tfpanel_simulate:
    output:
        table=f"{TFP}/data/simulated.tsv",
        data=tfpanel_data("simulated"),
    params:
        cfg=TFCFG,
        names=tfpanel_experiments("simulated"),
    log:
        f"{LOGS}/tfpanel_simulate/all.log",
    benchmark:
        f"{BENCH}/tfpanel_simulate/all.tsv"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/tfpanel_simulate.py"


rule tfpanel_fetch_janggu:
    output:
        wheel=f"{DOWNLOADS}/janggu/janggu-0.10.2-py2.py3-none-any.whl",
    params:
        url=TFCFG["janggu_url"],
    log:
        f"{LOGS}/tfpanel_fetch_janggu/all.log",
    benchmark:
        f"{BENCH}/tfpanel_fetch_janggu/all.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/tfpanel_fetch_janggu.py"


rule tfpanel_janggu:
    input:
        wheel=f"{DOWNLOADS}/janggu/janggu-0.10.2-py2.py3-none-any.whl",
    output:
        table=f"{TFP}/data/janggu.tsv",
        data=tfpanel_data("janggu"),
    params:
        cfg=TFCFG,
    log:
        f"{LOGS}/tfpanel_janggu/all.log",
    benchmark:
        f"{BENCH}/tfpanel_janggu/all.tsv"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/tfpanel_janggu.py"


rule tfpanel_download:
    wildcard_constraints:
        experiment=r"wgEncode\w+",
        split=r"train|test",
    output:
        data=f"{TFP}/data/zeng/{{experiment}}/{{split}}.data",
    params:
        url=lambda wc: f"{TFCFG['zeng_url']}/{wc.experiment}/{wc.split}.data",
    log:
        f"{LOGS}/tfpanel_download/{{experiment}}_{{split}}.log",
    benchmark:
        f"{BENCH}/tfpanel_download/{{experiment}}_{{split}}.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/tfpanel_download.py"


# --- encode_fimo: the paper's construction (ENCODE peaks + genome + FIMO -> windows) ---
rule tfpanel_encode_md5sums:
    output:
        md5sums=f"{DOWNLOADS}/encode/md5sum.txt",
    params:
        url=posixpath.join(ENCODE["peaks_url"], "md5sum.txt"),
    log:
        f"{LOGS}/tfpanel_encode_md5sums/all.log",
    benchmark:
        f"{BENCH}/tfpanel_encode_md5sums/all.tsv"
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/tfpanel_md5sums.py"


rule tfpanel_encode_peaks:
    wildcard_constraints:
        experiment=r"wgEncode\w+",
    input:
        md5sums=f"{DOWNLOADS}/encode/md5sum.txt",
    output:
        peaks=f"{DOWNLOADS}/encode/{{experiment}}.narrowPeak.gz",
    params:
        url=lambda wc: posixpath.join(ENCODE["peaks_url"], f"{wc.experiment}.narrowPeak.gz"),
    log:
        f"{LOGS}/tfpanel_encode_peaks/{{experiment}}.log",
    benchmark:
        f"{BENCH}/tfpanel_encode_peaks/{{experiment}}.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/tfpanel_encode_peaks.py"


rule tfpanel_genome_md5sums:
    output:
        md5sums=f"{DOWNLOADS}/genome/md5sum.txt",
    params:
        url=posixpath.join(posixpath.dirname(ENCODE["genome_url"]), "md5sum.txt"),
    log:
        f"{LOGS}/tfpanel_genome_md5sums/all.log",
    benchmark:
        f"{BENCH}/tfpanel_genome_md5sums/all.tsv"
    threads: 1
    resources:
        mem_mb=500,
        runtime=10,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/tfpanel_md5sums.py"


rule tfpanel_genome_download:
    input:
        md5sums=f"{DOWNLOADS}/genome/md5sum.txt",
    output:
        # gzip as published; bgzipped by tfpanel_genome, then removed
        genome=temp(tfpanel_genome_download()),
    params:
        url=ENCODE["genome_url"],
    log:
        f"{LOGS}/tfpanel_genome_download/all.log",
    benchmark:
        f"{BENCH}/tfpanel_genome_download/all.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=120,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/tfpanel_genome_download.py"


rule tfpanel_genome:
    input:
        genome=rules.tfpanel_genome_download.output.genome,
    output:
        **tfpanel_genome(),
    log:
        f"{LOGS}/tfpanel_genome/all.log",
    benchmark:
        f"{BENCH}/tfpanel_genome/all.tsv"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=120,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/tfpanel_genome.py"


rule tfpanel_encode_windows:
    wildcard_constraints:
        experiment=r"wgEncode\w+",
    input:
        unpack(lambda wc: tfpanel_genome()),
        peaks=f"{DOWNLOADS}/encode/{{experiment}}.narrowPeak.gz",
        table=TFCFG["experiments_table"],
    output:
        train=f"{TFP}/data/encode_fimo/{{experiment}}/train.data",
        test=f"{TFP}/data/encode_fimo/{{experiment}}/test.data",
        instances=f"{TFP}/data/encode_fimo/{{experiment}}/instances.tsv.gz",
        counts=f"{TFP}/data/encode_fimo/{{experiment}}/counts.tsv",
    params:
        length=TFCFG["length"],
        test_fraction=TFCFG["test_fraction"],
        release=ENCODE["jaspar_release"],
        fimo=ENCODE["fimo"],
    log:
        f"{LOGS}/tfpanel_encode_windows/{{experiment}}.log",
    benchmark:
        f"{BENCH}/tfpanel_encode_windows/{{experiment}}.tsv"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=30,
    conda:
        ENV_MEME
    script:
        "../workflow_scripts/tfpanel_encode_windows.py"


rule tfpanel_encode_table:
    input:
        table=TFCFG["experiments_table"],
        counts=expand(
            f"{TFP}/data/encode_fimo/{{experiment}}/counts.tsv",
            experiment=tfpanel_experiments("encode_fimo"),
        ),
    output:
        table=f"{TFP}/data/encode_fimo.tsv",
    params:
        names=tfpanel_experiments("encode_fimo"),
        release=TFCFG["jaspar_release"],
    log:
        f"{LOGS}/tfpanel_encode_table/all.log",
    benchmark:
        f"{BENCH}/tfpanel_encode_table/all.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/tfpanel_encode_table.py"


rule tfpanel_zeng_table:
    input:
        table=TFCFG["experiments_table"],
    output:
        table=f"{TFP}/data/zeng.tsv",
    params:
        names=tfpanel_experiments("zeng"),
        release=TFCFG["jaspar_release"],
    log:
        f"{LOGS}/tfpanel_zeng_table/all.log",
    benchmark:
        f"{BENCH}/tfpanel_zeng_table/all.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/tfpanel_zeng_table.py"


rule tfpanel_train:
    input:
        tables=expand(f"{TFP}/data/{{source}}.tsv", source=TFCFG["sources"]),
        data=tfpanel_data(),
    output:
        model=f"{TFP}/panel.pt",
        experiments=f"{TFP}/experiments.tsv",
        auc=f"{TABLES}/tfpanel_auc.tsv",
    params:
        train=TFCFG["train"],
        names=tfpanel_experiments(),
        folders=tfpanel_folders(),
    log:
        f"{LOGS}/tfpanel_train/all.log",
    benchmark:
        f"{BENCH}/tfpanel_train/all.tsv"
    threads: 2
    resources:
        mem_mb=16000,
        runtime=240,
        gpu=GPUS,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/tfpanel_train.py"


rule tfpanel_resolve:
    input:
        model=f"{TFP}/panel.pt",
        experiments=f"{TFP}/experiments.tsv",
    output:
        resolution=f"{TFP}/resolution.npz",
    params:
        ascent=ascent_params("tfpanel"),
    log:
        f"{LOGS}/tfpanel_resolve/all.log",
    benchmark:
        f"{BENCH}/tfpanel_resolve/all.tsv"
    threads: 2
    resources:
        mem_mb=8000,
        runtime=120,
        gpu=GPUS,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/tfpanel_resolve.py"


rule tfpanel_resolve_ascent:
    input:
        model=f"{TFP}/panel.pt",
        experiments=f"{TFP}/experiments.tsv",
    output:
        resolution=f"{TFP}/ascents/{{ascent}}/resolution.npz",
    params:
        ascent=lambda wc: ascent_params("tfpanel", wc.ascent),
    log:
        f"{LOGS}/tfpanel_resolve_ascent/{{ascent}}.log",
    benchmark:
        f"{BENCH}/tfpanel_resolve_ascent/{{ascent}}.tsv"
    threads: 1
    resources:
        mem_mb=8000,
        runtime=120,
        gpu=GPUS,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/tfpanel_resolve.py"


rule tfpanel_baselines:
    input:
        model=f"{TFP}/panel.pt",
        experiments=f"{TFP}/experiments.tsv",
        data=tfpanel_data(),
    output:
        scores=f"{TFP}/filter_scores.npz",
    params:
        max_positives=TFCFG["max_positives"],
        folders=tfpanel_folders(),
    log:
        f"{LOGS}/tfpanel_baselines/all.log",
    benchmark:
        f"{BENCH}/tfpanel_baselines/all.tsv"
    threads: 2
    resources:
        mem_mb=16000,
        runtime=240,
        gpu=GPUS,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/tfpanel_baselines.py"


rule tfpanel_deepmotif:
    input:
        model=f"{TFP}/panel.pt",
    output:
        motifs=f"{TFP}/deepmotif.npz",
    params:
        cfg=TFCFG["deepmotif"],
        length=TFCFG["length"],
    log:
        f"{LOGS}/tfpanel_deepmotif/all.log",
    benchmark:
        f"{BENCH}/tfpanel_deepmotif/all.tsv"
    threads: 2
    resources:
        mem_mb=8000,
        runtime=240,
        gpu=GPUS,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/tfpanel_deepmotif.py"


rule tfpanel_tomtom:
    input:
        model=f"{TFP}/panel.pt",
        motifs=f"{TFP}/deepmotif.npz",
        experiments=f"{TFP}/experiments.tsv",
    output:
        pvalues=f"{TFP}/motif_pvalues.npz",
        hits=f"{TFP}/tomtom_best_hits.tsv",
        motif_map=f"{TABLES}/tfpanel_motif_map.tsv",
    params:
        cfg=TFCFG["tomtom"],
        jaspar_release=TFCFG["jaspar_release"],
    log:
        f"{LOGS}/tfpanel_tomtom/all.log",
    benchmark:
        f"{BENCH}/tfpanel_tomtom/all.tsv"
    threads: 8
    resources:
        mem_mb=8000,
        runtime=240,
    conda:
        ENV_MEME
    script:
        "../workflow_scripts/tfpanel_tomtom.py"


rule tfpanel_table1:
    input:
        resolution=f"{TFP}/resolution.npz",
        scores=f"{TFP}/filter_scores.npz",
        pvalues=f"{TFP}/motif_pvalues.npz",
    output:
        table1=f"{TABLES}/table1.tsv",
        rank_tests=f"{TABLES}/table1_rank_tests.tsv",
        best=f"{TFP}/best_filter_ranks.tsv",
    params:
        ks=TFCFG["ks"],
        thresholds=TFCFG["thresholds"],
        max_p=TFCFG["rank_test_max_p"],
    log:
        f"{LOGS}/tfpanel_table1/all.log",
    benchmark:
        f"{BENCH}/tfpanel_table1/all.tsv"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/tfpanel_table1.py"


rule tfpanel_fig5:
    input:
        resolution=f"{TFP}/resolution.npz",
        scores=f"{TFP}/filter_scores.npz",
        pvalues=f"{TFP}/motif_pvalues.npz",
    output:
        fig=f"{FIGURES}/fig5.png",
    log:
        f"{LOGS}/tfpanel_fig5/all.log",
    benchmark:
        f"{BENCH}/tfpanel_fig5/all.tsv"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/tfpanel_fig5.py"


rule tfpanel_figS5:
    input:
        model=f"{TFP}/panel.pt",
        resolution=f"{TFP}/resolution.npz",
        scores=f"{TFP}/filter_scores.npz",
        pvalues=f"{TFP}/motif_pvalues.npz",
    output:
        fig=f"{FIGURES}/figS5.png",
        artifacts=f"{TFP}/artifacts.tsv",
    log:
        f"{LOGS}/tfpanel_figS5/all.log",
    benchmark:
        f"{BENCH}/tfpanel_figS5/all.tsv"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/tfpanel_figS5.py"


rule tfpanel_ascent_outcomes:
    input:
        resolutions=sensitivity_inputs(
            "tfpanel", f"{TFP}/resolution.npz", f"{TFP}/ascents/{{ascent}}/resolution.npz"
        ),
        auc=f"{TABLES}/tfpanel_auc.tsv",
        table1=f"{TABLES}/table1.tsv",
        scores=f"{TFP}/filter_scores.npz",
        pvalues=f"{TFP}/motif_pvalues.npz",
        artifacts=f"{TFP}/artifacts.tsv",
    output:
        table=f"{TFP}/ascent_outcomes.tsv",
    params:
        ascents=[name for name, _ in sensitivity_ascents("tfpanel")],
        ks=TFCFG["ks"],
        thresholds=TFCFG["thresholds"],
    log:
        f"{LOGS}/tfpanel_ascent_outcomes/all.log",
    benchmark:
        f"{BENCH}/tfpanel_ascent_outcomes/all.tsv"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=5,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/tfpanel_ascent_outcomes.py"


rule tfpanel_findings:
    input:
        auc=f"{TABLES}/tfpanel_auc.tsv",
        experiments=f"{TFP}/experiments.tsv",
        table1=f"{TABLES}/table1.tsv",
        rank_tests=f"{TABLES}/table1_rank_tests.tsv",
        resolution=f"{TFP}/resolution.npz",
        scores=f"{TFP}/filter_scores.npz",
        pvalues=f"{TFP}/motif_pvalues.npz",
        artifacts=f"{TFP}/artifacts.tsv",
        outcomes=f"{TFP}/ascent_outcomes.tsv",
    output:
        table=f"{TABLES}/tfpanel_findings.tsv",
    log:
        f"{LOGS}/tfpanel_findings/all.log",
    benchmark:
        f"{BENCH}/tfpanel_findings/all.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/tfpanel_findings.py"


TFPANEL_FINAL = [
    table("table1", "TF binding panel", "Table 1"),
    table("table1_rank_tests", "TF binding panel", "Table 1 rank tests"),
    table("tfpanel_auc", "TF binding panel", "Test AUC"),
    table("tfpanel_motif_map", "TF binding panel", "Motif map (Table S1)"),
    table("tfpanel_findings", "TF binding panel", "Findings"),
    figure("fig5", "TF binding panel", "Figure 5"),
    figure("figS5", "Supplementary", "Figure S5"),
]
add_final("tfpanel", TFPANEL_FINAL)


rule tfpanel_all:
    input:
        TFPANEL_FINAL,
