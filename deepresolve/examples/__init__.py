"""Published genomic architectures re-implemented for examples and tests
(:mod:`deepresolve.examples.architectures`)."""
