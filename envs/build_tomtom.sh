#!/usr/bin/env bash
# MEME 5.4.1's `tomtom` (and `fimo`) without conda: see envs/build_meme.sh, which this calls.
#
#   bash envs/build_tomtom.sh [PREFIX]     # PREFIX/bin/{tomtom,fimo} (default: .tools)
exec bash "$(dirname "$0")/build_meme.sh" "${1:-.tools}" tomtom fimo
