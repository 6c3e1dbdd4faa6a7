# Rules of the synthetic analysis (see CONTRIBUTING.md for conventions).
# Synthetic datasets I (AND + XOR logic) and II (feature sharing), the paper's CNNs,
# DeepResolve on the layer between conv and FC: Figures 2, 3, 4a, 4b, S1, the AUC table
# and a table of the paper's findings (holds true/false) on this run. Dataset I is also
# diagnosed: which filter detects each pattern (by activity), the model's logit per
# pattern combination, a two-branch XOR head as positive control (Fig 2 diagnosis), and
# independently seeded replicate models (robustness table).

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
    # one thread (a second one gains little on this small CNN) and early: on 2 cores it
    # then runs beside the long single-threaded DeepSEA ascents instead of after them
    priority: 5
    threads: 1
    resources:
        mem_mb=8000,
        runtime=60,
        gpu=GPUS,
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
        gpu=GPUS,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/synthetic_resolve.py"


rule synthetic_resolve_ascent:
    input:
        model=f"{SYN}/{{dataset}}/model.pt",
        data=f"{SYN}/{{dataset}}/data.npz",
    output:
        resolution=f"{SYN}/{{dataset}}/ascents/{{ascent}}/resolution.npz",
    params:
        ascent=lambda wc: ascent_params("synthetic", wc.ascent),
    log:
        f"{LOGS}/synthetic_resolve_ascent/{{dataset}}_{{ascent}}.log",
    benchmark:
        f"{BENCH}/synthetic_resolve_ascent/{{dataset}}_{{ascent}}.tsv"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=30,
        gpu=GPUS,
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


rule synthetic_probe:
    input:
        model=f"{SYN}/dataset1/model.pt",
        data=f"{SYN}/dataset1/data.npz",
        split=f"{SYN}/dataset1/split.npz",
    output:
        filters=f"{TABLES}/synthetic_filters.tsv",
        combinations=f"{SYN}/dataset1/combination_logits.tsv",
    params:
        max_background=config["synthetic"]["diagnosis"]["max_background"],
    log:
        f"{LOGS}/synthetic_probe/dataset1.log",
    benchmark:
        f"{BENCH}/synthetic_probe/dataset1.tsv"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=10,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/synthetic_probe.py"


rule synthetic_control:
    input:
        resolution=f"{SYN}/dataset1/resolution.npz",
        filters=f"{TABLES}/synthetic_filters.tsv",
    output:
        resolution=f"{SYN}/dataset1/control_resolution.npz",
    params:
        ascent=ascent_params("synthetic"),
    log:
        f"{LOGS}/synthetic_control/dataset1.log",
    benchmark:
        f"{BENCH}/synthetic_control/dataset1.tsv"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
        gpu=GPUS,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/synthetic_control.py"


rule synthetic_control_ascent:
    input:
        resolution=f"{SYN}/dataset1/resolution.npz",
        filters=f"{TABLES}/synthetic_filters.tsv",
    output:
        resolution=f"{SYN}/dataset1/ascents/{{ascent}}/control_resolution.npz",
    params:
        ascent=lambda wc: ascent_params("synthetic", wc.ascent),
    log:
        f"{LOGS}/synthetic_control_ascent/{{ascent}}.log",
    benchmark:
        f"{BENCH}/synthetic_control_ascent/{{ascent}}.tsv"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
        gpu=GPUS,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/synthetic_control.py"


rule synthetic_replicate:
    output:
        row=f"{SYN}/dataset1/replicates/{{replicate}}.tsv",
        resolution=f"{SYN}/dataset1/replicates/{{replicate}}.npz",
    params:
        cfg={
            k: config["synthetic"][k]
            for k in ("dataset1", "robustness", "length", "test_fraction", "val_fraction")
        },
        ascent=ascent_params("synthetic"),
    wildcard_constraints:
        replicate=r"[1-9]\d*",
    log:
        f"{LOGS}/synthetic_replicate/{{replicate}}.log",
    benchmark:
        f"{BENCH}/synthetic_replicate/{{replicate}}.tsv"
    threads: 1
    resources:
        mem_mb=8000,
        runtime=60,
        gpu=GPUS,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/synthetic_replicate.py"


rule synthetic_robustness:
    input:
        model=f"{SYN}/dataset1/model.pt",
        data=f"{SYN}/dataset1/data.npz",
        split=f"{SYN}/dataset1/split.npz",
        resolution=f"{SYN}/dataset1/resolution.npz",
        auc=f"{SYN}/dataset1/auc.tsv",
        replicates=expand(
            f"{SYN}/dataset1/replicates/{{replicate}}.tsv",
            replicate=range(1, config["synthetic"]["robustness"]["n_models"]),
        ),
    output:
        table=f"{TABLES}/synthetic_xor_robustness.tsv",
    params:
        cfg={k: config["synthetic"][k] for k in ("dataset1", "diagnosis")},
    log:
        f"{LOGS}/synthetic_robustness/all.log",
    benchmark:
        f"{BENCH}/synthetic_robustness/all.tsv"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=10,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/synthetic_robustness.py"


rule synthetic_diagnosis:
    input:
        model=f"{SYN}/dataset1/model.pt",
        data=f"{SYN}/dataset1/data.npz",
        split=f"{SYN}/dataset1/split.npz",
        resolution=f"{SYN}/dataset1/resolution.npz",
        control=f"{SYN}/dataset1/control_resolution.npz",
        filters=f"{TABLES}/synthetic_filters.tsv",
        combinations=f"{SYN}/dataset1/combination_logits.tsv",
    output:
        fig=f"{FIGURES}/fig2_diagnosis.png",
        landscape=f"{SYN}/dataset1/landscape.npz",
    params:
        cfg={"diagnosis": config["synthetic"]["diagnosis"]},
    log:
        f"{LOGS}/synthetic_diagnosis/all.log",
    benchmark:
        f"{BENCH}/synthetic_diagnosis/all.tsv"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=10,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/synthetic_diagnosis.py"


rule synthetic_fig2:
    input:
        resolution=f"{SYN}/dataset1/resolution.npz",
        model=f"{SYN}/dataset1/model.pt",
        filters=f"{TABLES}/synthetic_filters.tsv",
    output:
        fig=f"{FIGURES}/fig2.png",
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
        filters=f"{TABLES}/synthetic_filters.tsv",
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


rule synthetic_ascent_outcomes:
    input:
        resolution1=sensitivity_inputs(
            "synthetic",
            f"{SYN}/dataset1/resolution.npz",
            f"{SYN}/dataset1/ascents/{{ascent}}/resolution.npz",
        ),
        control=sensitivity_inputs(
            "synthetic",
            f"{SYN}/dataset1/control_resolution.npz",
            f"{SYN}/dataset1/ascents/{{ascent}}/control_resolution.npz",
        ),
        resolution2=sensitivity_inputs(
            "synthetic",
            f"{SYN}/dataset2/resolution.npz",
            f"{SYN}/dataset2/ascents/{{ascent}}/resolution.npz",
        ),
        model2=f"{SYN}/dataset2/model.pt",
        auc1=f"{SYN}/dataset1/auc.tsv",
        auc2=f"{SYN}/dataset2/auc.tsv",
        data2=f"{SYN}/dataset2/data.npz",
        filters=f"{TABLES}/synthetic_filters.tsv",
        combinations=f"{SYN}/dataset1/combination_logits.tsv",
        landscape=f"{SYN}/dataset1/landscape.npz",
    output:
        table=f"{SYN}/ascent_outcomes.tsv",
    params:
        ascents=[name for name, _ in sensitivity_ascents("synthetic")],
        cfg=config["synthetic"],
    log:
        f"{LOGS}/synthetic_ascent_outcomes/all.log",
    benchmark:
        f"{BENCH}/synthetic_ascent_outcomes/all.tsv"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=5,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/synthetic_ascent_outcomes.py"


rule synthetic_findings:
    input:
        resolution1=f"{SYN}/dataset1/resolution.npz",
        resolution2=f"{SYN}/dataset2/resolution.npz",
        model2=f"{SYN}/dataset2/model.pt",
        auc1=f"{SYN}/dataset1/auc.tsv",
        auc2=f"{SYN}/dataset2/auc.tsv",
        data2=f"{SYN}/dataset2/data.npz",
        filters=f"{TABLES}/synthetic_filters.tsv",
        combinations=f"{SYN}/dataset1/combination_logits.tsv",
        control=f"{SYN}/dataset1/control_resolution.npz",
        robustness=f"{TABLES}/synthetic_xor_robustness.tsv",
        landscape=f"{SYN}/dataset1/landscape.npz",
        outcomes=f"{SYN}/ascent_outcomes.tsv",
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
    figure("fig2_diagnosis", "Synthetic data", "Figure 2: diagnosis"),
    figure("fig3", "Synthetic data", "Figure 3"),
    figure("fig4a", "Synthetic data", "Figure 4a"),
    figure("fig4b", "Synthetic data", "Figure 4b"),
    figure("figS1", "Supplementary", "Figure S1"),
    table("synthetic_auc", "Synthetic data", "Test AUC"),
    table("synthetic_findings", "Synthetic data", "Findings"),
    table("synthetic_filters", "Synthetic data", "Filters of the planted patterns"),
    table("synthetic_xor_robustness", "Synthetic data", "XOR robustness"),
]
add_final("synthetic", SYNTHETIC_FINAL)


rule synthetic_all:
    input:
        SYNTHETIC_FINAL,
