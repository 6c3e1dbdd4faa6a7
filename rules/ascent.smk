# Rules of the ascent section (see CONTRIBUTING.md for conventions): how the outcomes of the
# selected analyses (synthetic, tfpanel, deepsea) depend on the gradient ascent. Each
# analysis resolves its models again under every ascent of config['ascent']['sensitivity']
# (rules <analysis>_resolve_ascent) and checks its findings under each
# (<analysis>_ascent_outcomes); this rule puts their rows into one table.

ASCENT_OUTCOMES = {
    "synthetic": f"{SYN}/ascent_outcomes.tsv",
    "tfpanel": f"{TFP}/ascent_outcomes.tsv",
    "deepsea": f"{DS}/ascent_outcomes.tsv",
}
SENSITIVITY_ANALYSES = [a for a in ASCENT_OUTCOMES if a in config["analyses"]]


rule ascent_sensitivity:
    input:
        outcomes=[ASCENT_OUTCOMES[a] for a in SENSITIVITY_ANALYSES],
    output:
        table=f"{TABLES}/ascent_sensitivity.tsv",
    log:
        f"{LOGS}/ascent_sensitivity/all.log",
    benchmark:
        f"{BENCH}/ascent_sensitivity/all.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/ascent_sensitivity.py"


ASCENT_FINAL = [table("ascent_sensitivity", "Supplementary", "Ascent sensitivity")]
if SENSITIVITY_ANALYSES:
    FINAL.extend(ASCENT_FINAL)
    REPORT_ITEMS.append("ascent_sensitivity")


rule ascent_all:
    input:
        ASCENT_FINAL,
