# Rules of the synthetic analysis (see CONTRIBUTING.md for conventions).
# Synthetic datasets I (AND + XOR logic) and II (feature sharing), the paper's CNNs,
# DeepResolve on the layer between conv and FC: Figures 2, 3, 4a, 4b, S1, the AUC table
# and a table of the paper's findings (holds true/false) on this run.

SYN = f"{RESULTS}/synthetic"


rule synthetic_generate:
    output:
        data=f"{SYN}/{{dataset}}/data.npz",
    params:
        cfg=lambda wc: config["synthetic"][wc.dataset],
        length=config["synthetic"]["length"],
    log:
        f"{LOGS}/synthetic_generate/{{dataset}}.log",
    benchmark:
        f"{BENCH}/synthetic_generate/{{dataset}}.tsv"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=10,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/synthetic_generate.py"


rule synthetic_train:
    input:
        data=f"{SYN}/{{dataset}}/data.npz",
    output:
        model=f"{SYN}/{{dataset}}/model.pt",
        auc=f"{SYN}/{{dataset}}/auc.tsv",
        split=f"{SYN}/{{dataset}}/split.npz",
    params:
        train=lambda wc: config["synthetic"][wc.dataset]["train"],
        model=lambda wc: config["synthetic"][wc.dataset]["model"],
        test_fraction=config["synthetic"]["test_fraction"],
        val_fraction=config["synthetic"]["val_fraction"],
    log:
        f"{LOGS}/synthetic_train/{{dataset}}.log",
    benchmark:
        f"{BENCH}/synthetic_train/{{dataset}}.tsv"
    threads: 2
    resources:
        mem_mb=8000,
        runtime=60,
        gpu=1,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/synthetic_train.py"


rule synthetic_resolve:
    input:
        model=f"{SYN}/{{dataset}}/model.pt",
        data=f"{SYN}/{{dataset}}/data.npz",
    output:
        resolution=f"{SYN}/{{dataset}}/resolution.npz",
    params:
        ascent=ascent_params("synthetic"),
    log:
        f"{LOGS}/synthetic_resolve/{{dataset}}.log",
    benchmark:
        f"{BENCH}/synthetic_resolve/{{dataset}}.tsv"
    threads: 2
    resources:
        mem_mb=4000,
        runtime=30,
        gpu=1,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/synthetic_resolve.py"


rule synthetic_auc:
    input:
        aucs=expand(f"{SYN}/{{dataset}}/auc.tsv", dataset=["dataset1", "dataset2"]),
    output:
        table=f"{TABLES}/synthetic_auc.tsv",
    log:
        f"{LOGS}/synthetic_auc/all.log",
    benchmark:
        f"{BENCH}/synthetic_auc/all.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/synthetic_auc.py"


rule synthetic_fig2:
    input:
        resolution=f"{SYN}/dataset1/resolution.npz",
        model=f"{SYN}/dataset1/model.pt",
    output:
        fig=f"{FIGURES}/fig2.png",
    params:
        cfg=config["synthetic"]["dataset1"],
    log:
        f"{LOGS}/synthetic_fig2/all.log",
    benchmark:
        f"{BENCH}/synthetic_fig2/all.tsv"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/synthetic_fig2.py"


rule synthetic_fig3:
    input:
        model=f"{SYN}/dataset1/model.pt",
        data=f"{SYN}/dataset1/data.npz",
        split=f"{SYN}/dataset1/split.npz",
    output:
        fig=f"{FIGURES}/fig3.png",
    params:
        n_shuffles=config["synthetic"]["fig3"]["n_shuffles"],
    log:
        f"{LOGS}/synthetic_fig3/all.log",
    benchmark:
        f"{BENCH}/synthetic_fig3/all.tsv"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=10,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/synthetic_fig3.py"


rule synthetic_fig4:
    input:
        resolution=f"{SYN}/dataset2/resolution.npz",
        model=f"{SYN}/dataset2/model.pt",
        data=f"{SYN}/dataset2/data.npz",
    output:
        fig4a=f"{FIGURES}/fig4a.png",
        fig4b=f"{FIGURES}/fig4b.png",
    log:
        f"{LOGS}/synthetic_fig4/all.log",
    benchmark:
        f"{BENCH}/synthetic_fig4/all.tsv"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/synthetic_fig4.py"


rule synthetic_figS1:
    input:
        dataset1=f"{SYN}/dataset1/resolution.npz",
        dataset2=f"{SYN}/dataset2/resolution.npz",
        tfpanel=f"{RESULTS}/tfpanel/resolution.npz",
        deepsea=f"{RESULTS}/deepsea/resolution.npz",
    output:
        fig=f"{FIGURES}/figS1.png",
    log:
        f"{LOGS}/synthetic_figS1/all.log",
    benchmark:
        f"{BENCH}/synthetic_figS1/all.tsv"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=5,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/synthetic_figS1.py"


rule synthetic_findings:
    input:
        resolution1=f"{SYN}/dataset1/resolution.npz",
        resolution2=f"{SYN}/dataset2/resolution.npz",
        model1=f"{SYN}/dataset1/model.pt",
        model2=f"{SYN}/dataset2/model.pt",
        auc1=f"{SYN}/dataset1/auc.tsv",
        auc2=f"{SYN}/dataset2/auc.tsv",
        data2=f"{SYN}/dataset2/data.npz",
    output:
        table=f"{TABLES}/synthetic_findings.tsv",
    params:
        cfg=config["synthetic"],
    log:
        f"{LOGS}/synthetic_findings/all.log",
    benchmark:
        f"{BENCH}/synthetic_findings/all.tsv"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=5,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/synthetic_findings.py"


SYNTHETIC_FINAL = [
    figure("fig2", "Synthetic data", "Figure 2"),
    figure("fig3", "Synthetic data", "Figure 3"),
    figure("fig4a", "Synthetic data", "Figure 4a"),
    figure("fig4b", "Synthetic data", "Figure 4b"),
    figure("figS1", "Supplementary", "Figure S1"),
    table("synthetic_auc", "Synthetic data", "Test AUC"),
    table("synthetic_findings", "Synthetic data", "Findings"),
]
add_final("synthetic", SYNTHETIC_FINAL)


rule synthetic_all:
    input:
        SYNTHETIC_FINAL,
