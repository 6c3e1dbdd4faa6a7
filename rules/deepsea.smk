# Rules of the deepsea analysis (see CONTRIBUTING.md for conventions).
# DeepSEA, or (offline default) a scaled-down DeepSEA trained on a simulated compendium
# with known class relationships; DeepResolve on the input of the third convolution;
# channel motifs by receptive-field gradient ascent + TOMTOM (Figure 6); class similarity
# vs label correlation and last-layer weights (Figure 7), DNase association (Figure 8),
# clusters of known interacting factors (Figure 9); the similarity-recovery and AUC tables;
# for the simulated compendium, what the model and DeepResolve make of each planted motif.

DS = f"{RESULTS}/deepsea"
DSCFG = config["deepsea"]

if DSCFG["source"] == "simulated":

    rule deepsea_simulate:
        output:
            train=f"{DS}/compendium/train.npz",
            val=f"{DS}/compendium/val.npz",
            test=f"{DS}/test.npz",
            truth=f"{DS}/compendium/truth.npz",
        params:
            compendium=DSCFG["compendium"],
        log:
            f"{LOGS}/deepsea_simulate/all.log",
        benchmark:
            f"{BENCH}/deepsea_simulate/all.tsv"
        # simulate -> train -> the sensitivity ascents is the default run's longest chain.
        # Two threads (numpy uses one): holding both cores lets the two-thread
        # deepsea_train start the moment this ends, before single-thread jobs take a core.
        priority: 10
        threads: 2
        resources:
            mem_mb=4000,
            runtime=10,
        conda:
            ENV_PY
        script:
            "../workflow_scripts/deepsea_simulate.py"

    rule deepsea_train:
        input:
            train=f"{DS}/compendium/train.npz",
            val=f"{DS}/compendium/val.npz",
        output:
            model=f"{DS}/model.pt",
        params:
            model=DSCFG["model"],
            train=DSCFG["train"],
        log:
            f"{LOGS}/deepsea_train/all.log",
        benchmark:
            f"{BENCH}/deepsea_train/all.tsv"
        priority: 10
        threads: 2
        resources:
            mem_mb=8000,
            runtime=60,
            gpu=GPUS,
        conda:
            ENV_PY
        script:
            "../workflow_scripts/deepsea_train.py"

else:

    rule deepsea_download:
        output:
            archive=f"{DOWNLOADS}/deepsea/{{archive}}",
        params:
            spec=lambda wc: DEEPSEA_ARCHIVES[wc.archive],
        wildcard_constraints:
            archive="|".join(re.escape(name) for name in DEEPSEA_ARCHIVES),
        log:
            f"{LOGS}/deepsea_download/{{archive}}.log",
        benchmark:
            f"{BENCH}/deepsea_download/{{archive}}.tsv"
        threads: 1
        resources:
            mem_mb=1000,
            runtime=240,
        conda:
            ENV_PY
        script:
            "../workflow_scripts/deepsea_download.py"

    rule deepsea_fetch_model:
        input:
            unpack(deepsea_model_archives),
        output:
            model=f"{DS}/model.pt",
        params:
            source=DSCFG["source"],
        log:
            f"{LOGS}/deepsea_fetch_model/all.log",
        benchmark:
            f"{BENCH}/deepsea_fetch_model/all.tsv"
        threads: 1
        resources:
            mem_mb=8000,
            runtime=60,
        conda:
            ENV_PY
        script:
            "../workflow_scripts/deepsea_fetch_model.py"

    rule deepsea_fetch_data:
        input:
            model=f"{DS}/model.pt",
            bundle=f"{DOWNLOADS}/deepsea/{deepsea_archive_name('data_url')}",
        output:
            test=f"{DS}/test.npz",
        params:
            download=DSCFG["download"],
        log:
            f"{LOGS}/deepsea_fetch_data/all.log",
        benchmark:
            f"{BENCH}/deepsea_fetch_data/all.tsv"
        threads: 1
        resources:
            mem_mb=64000,
            runtime=240,
        conda:
            ENV_PY
        script:
            "../workflow_scripts/deepsea_fetch_data.py"


rule deepsea_evaluate:
    input:
        model=f"{DS}/model.pt",
        test=f"{DS}/test.npz",
    output:
        auc=f"{TABLES}/deepsea_auc.tsv",
    log:
        f"{LOGS}/deepsea_evaluate/all.log",
    benchmark:
        f"{BENCH}/deepsea_evaluate/all.tsv"
    threads: 2
    resources:
        mem_mb=8000,
        runtime=60,
        gpu=GPUS,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/deepsea_evaluate.py"


rule deepsea_resolve:
    input:
        model=f"{DS}/model.pt",
        test=f"{DS}/test.npz",
    output:
        resolution=f"{DS}/resolution.npz",
    params:
        ascent=ascent_params("deepsea"),
    log:
        f"{LOGS}/deepsea_resolve/all.log",
    benchmark:
        f"{BENCH}/deepsea_resolve/all.tsv"
    threads: 2
    resources:
        mem_mb=16000,
        runtime=240,
        gpu=GPUS,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/deepsea_resolve.py"


rule deepsea_resolve_ascent:
    input:
        model=f"{DS}/model.pt",
        test=f"{DS}/test.npz",
    output:
        resolution=f"{DS}/ascents/{{ascent}}/resolution.npz",
    params:
        ascent=lambda wc: ascent_params("deepsea", wc.ascent),
    log:
        f"{LOGS}/deepsea_resolve_ascent/{{ascent}}.log",
    benchmark:
        f"{BENCH}/deepsea_resolve_ascent/{{ascent}}.tsv"
    priority: 10
    threads: 1
    resources:
        mem_mb=16000,
        runtime=240,
        gpu=GPUS,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/deepsea_resolve.py"


rule deepsea_ascent_outcomes:
    input:
        unpack(deepsea_truth),
        unpack(deepsea_effects),
        resolutions=sensitivity_inputs(
            "deepsea", f"{DS}/resolution.npz", f"{DS}/ascents/{{ascent}}/resolution.npz"
        ),
        matrices=f"{DS}/similarity.npz",
    output:
        table=f"{DS}/ascent_outcomes.tsv",
    params:
        ascents=[name for name, _ in sensitivity_ascents("deepsea")],
        sharing=DSCFG["sharing"],
        min_coef=DSCFG["motif_effects"]["min_coef"],
    log:
        f"{LOGS}/deepsea_ascent_outcomes/all.log",
    benchmark:
        f"{BENCH}/deepsea_ascent_outcomes/all.tsv"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=10,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/deepsea_ascent_outcomes.py"


rule deepsea_channel_ascent:
    input:
        model=f"{DS}/model.pt",
        test=f"{DS}/test.npz",
    output:
        ascent=f"{DS}/channel_ascent.npz",
    params:
        cfg=DSCFG["channel_motifs"],
    log:
        f"{LOGS}/deepsea_channel_ascent/all.log",
    benchmark:
        f"{BENCH}/deepsea_channel_ascent/all.tsv"
    threads: 2
    resources:
        mem_mb=16000,
        runtime=120,
        gpu=GPUS,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/deepsea_channel_ascent.py"


rule deepsea_tomtom:
    input:
        ascent=f"{DS}/channel_ascent.npz",
    output:
        hits=f"{DS}/channel_tomtom.tsv",
    params:
        cfg=DSCFG["channel_motifs"],
    log:
        f"{LOGS}/deepsea_tomtom/all.log",
    benchmark:
        f"{BENCH}/deepsea_tomtom/all.tsv"
    threads: 2
    resources:
        mem_mb=8000,
        runtime=120,
    conda:
        ENV_MEME
    script:
        "../workflow_scripts/deepsea_tomtom.py"


rule deepsea_fig6:
    input:
        unpack(deepsea_truth),
        ascent=f"{DS}/channel_ascent.npz",
        hits=f"{DS}/channel_tomtom.tsv",
    output:
        figure=f"{FIGURES}/fig6.png",
        table=f"{TABLES}/fig6_channel_motifs.tsv",
    params:
        cfg=DSCFG["channel_motifs"],
    log:
        f"{LOGS}/deepsea_fig6/all.log",
    benchmark:
        f"{BENCH}/deepsea_fig6/all.tsv"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=20,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/deepsea_fig6.py"


rule deepsea_sharing:
    input:
        unpack(deepsea_truth),
        unpack(deepsea_effects),
        resolution=f"{DS}/resolution.npz",
        model=f"{DS}/model.pt",
        test=f"{DS}/test.npz",
    output:
        matrices=f"{DS}/similarity.npz",
        association=f"{DS}/dnase_association.tsv",
        fig7=f"{FIGURES}/fig7.png",
        fig8=f"{FIGURES}/fig8.png",
        fig9=f"{FIGURES}/fig9.png",
        recovery=f"{TABLES}/deepsea_similarity_recovery.tsv",
    params:
        cfg=DSCFG["sharing"],
    log:
        f"{LOGS}/deepsea_sharing/all.log",
    benchmark:
        f"{BENCH}/deepsea_sharing/all.tsv"
    threads: 1
    resources:
        mem_mb=8000,
        runtime=30,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/deepsea_sharing.py"


if DSCFG["source"] == "simulated":

    rule deepsea_motif_effects:
        input:
            model=f"{DS}/model.pt",
            test=f"{DS}/test.npz",
            truth=f"{DS}/compendium/truth.npz",
            resolution=f"{DS}/resolution.npz",
            others=[f"{DS}/ascents/{v}/resolution.npz" for _, v in sensitivity_ascents("deepsea")[1:]],
        output:
            effects=f"{DS}/motif_effects.npz",
            table=f"{TABLES}/deepsea_class_motifs.tsv",
        params:
            cfg=DSCFG["motif_effects"],
            sharpness=DSCFG["compendium"]["sharpness"],
            ascent=ascent_params("deepsea"),
            others=[name for name, _ in sensitivity_ascents("deepsea")[1:]],
        log:
            f"{LOGS}/deepsea_motif_effects/all.log",
        benchmark:
            f"{BENCH}/deepsea_motif_effects/all.tsv"
        threads: 2
        resources:
            mem_mb=8000,
            runtime=30,
            gpu=GPUS,
        conda:
            ENV_PY
        script:
            "../workflow_scripts/deepsea_motif_effects.py"


if DSCFG["source"] == "simulated":

    rule deepsea_findings:
        input:
            recovery=f"{TABLES}/deepsea_similarity_recovery.tsv",
            class_motifs=f"{TABLES}/deepsea_class_motifs.tsv",
            channel_motifs=f"{TABLES}/fig6_channel_motifs.tsv",
            association=f"{DS}/dnase_association.tsv",
            resolution=f"{DS}/resolution.npz",
            outcomes=f"{DS}/ascent_outcomes.tsv",
        output:
            table=f"{TABLES}/deepsea_findings.tsv",
        log:
            f"{LOGS}/deepsea_findings/all.log",
        benchmark:
            f"{BENCH}/deepsea_findings/all.tsv"
        threads: 1
        resources:
            mem_mb=1000,
            runtime=5,
        conda:
            ENV_PY
        script:
            "../workflow_scripts/deepsea_findings.py"


DEEPSEA_FINAL = [
    figure("fig6", "DeepSEA", "Figure 6"),
    figure("fig7", "DeepSEA", "Figure 7"),
    figure("fig8", "DeepSEA", "Figure 8"),
    figure("fig9", "DeepSEA", "Figure 9"),
    table("fig6_channel_motifs", "DeepSEA", "Figure 6"),
    table("deepsea_similarity_recovery", "DeepSEA", "Class similarity"),
    table("deepsea_auc", "DeepSEA", "Model"),
]
if DSCFG["source"] == "simulated":
    DEEPSEA_FINAL.append(table("deepsea_class_motifs", "DeepSEA", "Class similarity"))
    DEEPSEA_FINAL.append(table("deepsea_findings", "DeepSEA", "Findings"))
add_final("deepsea", DEEPSEA_FINAL)


rule deepsea_all:
    input:
        DEEPSEA_FINAL,
