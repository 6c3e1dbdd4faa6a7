"""The paper's three analyses, built on the library (``deepresolve``) and shared by the
workflow (``workflow_scripts/``) and the tests.

- ``synthetic``: synthetic datasets I and II, their CNNs, findings, Figures 2-4;
- ``tfpanel``: the 422-experiment TF ChIP-seq panel, Table 1, Figures 5 and S5;
- ``deepsea``: DeepSEA and the simulated compendium, Figures 6-9;
- ``figS1``: Figure S1, which spans all three; ``workflow``: Snakemake job set-up.

Dependencies run one way: ``deepresolve.paper`` imports the library, the library never
imports ``deepresolve.paper``, and no analysis imports another.
"""
