# The run as a whole: its record and provenance, the report's captions rendered from this
# run's tables, and the findings page. Cheap jobs: they run on the submitting host.

REPORT = f"{RESULTS}/report"


localrules:
    run_provenance,
    report_captions,
    report_findings,


rule run_provenance:
    input:
        unpack(provenance_inputs),
    output:
        run=f"{RESULTS}/run.json",
        table=RUN_PROVENANCE,
    params:
        configfiles=CONFIGFILES,
        config=as_json(config),
        workflow_dir=str(workflow.basedir),
    log:
        f"{LOGS}/run_provenance/all.log",
    benchmark:
        f"{BENCH}/run_provenance/all.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/run_provenance.py"


REPORT_FINAL = [table("run_provenance", "Findings", "Where the numbers were computed")]


rule report_findings:
    input:
        findings=final_findings,
        run=f"{RESULTS}/run.json",
        provenance=RUN_PROVENANCE,
    output:
        page=f"{REPORT}/findings.html",
    log:
        f"{LOGS}/report_findings/all.log",
    benchmark:
        f"{BENCH}/report_findings/all.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/report_findings.py"


REPORT_FINAL.append(findings_page(f"{REPORT}/findings.html"))
REPORT_ITEMS.extend(["run_provenance", "findings"])


rule report_captions:
    input:
        tables=final_tables,
        templates=expand("resources/report/{name}.rst", name=REPORT_ITEMS),
    output:
        captions=expand(f"{REPORT}/captions/{{name}}.rst", name=REPORT_ITEMS),
    params:
        names=list(REPORT_ITEMS),
    log:
        f"{LOGS}/report_captions/all.log",
    benchmark:
        f"{BENCH}/report_captions/all.tsv"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        ENV_PY
    script:
        "../workflow_scripts/report_captions.py"


FINAL.extend(REPORT_FINAL)
FINAL.extend(expand(f"{REPORT}/captions/{{name}}.rst", name=REPORT_ITEMS))


rule report_all:
    input:
        REPORT_FINAL,
        expand(f"{REPORT}/captions/{{name}}.rst", name=REPORT_ITEMS),
