"""The genome as bgzip (blocked gzip, streamed; never loaded into memory) with pyfaidx's
index (.fai, .gzi), so that windows are read from disk at random positions."""

import deepresolve.paper.workflow
from deepresolve.genome import bgzip_fasta, chrom_sizes, index_genome, open_genome

sm = snakemake  # noqa: F821
deepresolve.paper.workflow.setup(sm)
bgzip_fasta(sm.input.genome, sm.output.fasta)
index_genome(sm.output.fasta)
sizes = chrom_sizes(open_genome(sm.output.fasta))
print(f"{len(sizes)} sequences, {sum(sizes.values()):,} bp")
