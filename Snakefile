# DeepResolve (Liu, Zeng & Gifford 2019): every figure and table of the paper.
#   snakemake --cores 2                                   # default config, offline
#   snakemake --cores 16 --configfile config/paper.yaml   # paper scale, real data
#   snakemake --cores 2 --configfile config/authors.yaml  # the authors' own 422 models
#   snakemake --cores 2 --configfile config/real.yaml --config real_sequences=file:///...
#   snakemake --workflow-profile profiles/slurm --configfile config/paper.yaml
#   snakemake --report results/report.html                # HTML report of the last run
from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


report: "resources/report/workflow.rst"


include: "rules/common.smk"
include: "rules/synthetic.smk"
include: "rules/tfpanel.smk"
include: "rules/deepsea.smk"
include: "rules/authors.smk"
include: "rules/real.smk"
include: "rules/ascent.smk"
# last: the run record and the captions of every final output the files above added
include: "rules/report.smk"


rule all:
    input:
        FINAL,
    default_target: True
