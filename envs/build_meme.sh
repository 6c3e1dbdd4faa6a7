#!/usr/bin/env bash
# Build MEME suite programs (MEME 5.4.1: `tomtom`, `fimo`) from the source vendored in the
# PyPI sdist of pymemesuite 0.1.0a4, for machines without conda/bioconda.
#
#   bash envs/build_meme.sh [PREFIX [PROGRAM ...]]   # PREFIX/bin/<program> (default: .tools;
#                                                    # programs: tomtom fimo)
#
# Programs already in PREFIX/bin are skipped. The sdist comments out die() and myassert()
# in src/utils.c and omits the doc/ and tests/ Makefile.in files that configure expects;
# this script restores the former and stubs the latter. About a minute on 2 cores.
set -euo pipefail
prefix=$(realpath -m "${1:-.tools}")
shift || true
programs=("$@")
[ ${#programs[@]} -gt 0 ] || programs=(tomtom fimo)
missing=()
for p in "${programs[@]}"; do
  case $p in tomtom|fimo) ;; *) echo "unknown MEME program '$p' (tomtom, fimo)" >&2; exit 2;; esac
  if [ -x "$prefix/bin/$p" ]; then echo "$p already at $prefix/bin/$p"; else missing+=("$p"); fi
done
[ ${#missing[@]} -gt 0 ] || exit 0
python=${PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$python" -m pip download --quiet --no-deps --no-binary pymemesuite pymemesuite==0.1.0a4 -d "$work"
tar -xzf "$work"/pymemesuite-0.1.0a4.tar.gz -C "$work"
meme="$work/pymemesuite-0.1.0a4/vendor/meme"
# Restore die() and myassert(): uncomment the block between their definitions.
"$python" - "$meme/src/utils.c" <<'PY'
import re, sys
path = sys.argv[1]
lines = open(path).read().split("\n")
start = next(i for i, l in enumerate(lines) if l.startswith("//void die"))
end = next(i for i, l in enumerate(lines) if i > start and "mm_malloc" in l)
for i in range(start, end):
    if lines[i].startswith("//"):
        lines[i] = lines[i][2:]
open(path, "w").write("\n".join(lines))
PY
# Stub every Makefile.in that configure.ac lists but the sdist lacks.
grep -o '[A-Za-z0-9_./-]*Makefile\b' "$meme/configure.ac" | sort -u | while read -r mk; do
  if [ ! -f "$meme/$mk.in" ]; then
    mkdir -p "$(dirname "$meme/$mk")"
    printf 'all:\ninstall:\nclean:\ncheck:\n.PHONY: all install clean check\n' > "$meme/$mk.in"
  fi
done
cd "$meme"
./configure --prefix="$work/install" >"$work/configure.log" 2>&1 \
  || { tail -40 "$work/configure.log"; exit 1; }
# `make <program>` alone skips automake's BUILT_SOURCES, so generate them first.
make -C src dir.h projrel.h citation.js.h >"$work/make.log" 2>&1 || { tail -40 "$work/make.log"; exit 1; }
make -j"$(nproc)" -C src "${missing[@]}" >>"$work/make.log" 2>&1 || { tail -40 "$work/make.log"; exit 1; }
mkdir -p "$prefix/bin"
for p in "${missing[@]}"; do
  install -m 755 "src/$p" "$prefix/bin/$p.tmp"
  mv "$prefix/bin/$p.tmp" "$prefix/bin/$p"
  echo "built $prefix/bin/$p"
done
