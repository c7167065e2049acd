#!/usr/bin/env bash
# Fetches OpenBLAS (Debian's libopenblas0-pthread) into a user cache without installing anything
# system-wide, and prints the path of its reference-BLAS-compatible libblas.so.3.
#
#   bench/openblas.sh [CACHE_DIR]      (default: $PANOPT_OPENBLAS_CACHE or ~/.cache/panopt/openblas)
#
# Shared libraries that OpenBLAS needs and the system lacks (libgfortran5, its libquadmath) are
# extracted beside it; point LD_LIBRARY_PATH at the directory printed by `openblas.sh --libdir`.
# Progress goes to stderr, so `lib=$(bench/openblas.sh)` captures only the path.
set -euo pipefail

mode=lib
if [[ "${1:-}" == "--libdir" ]]; then mode=libdir; shift; fi
cache="${1:-${PANOPT_OPENBLAS_CACHE:-$HOME/.cache/panopt/openblas}}"
root="$cache/root"
mkdir -p "$cache/debs" "$root"

log() { echo "openblas.sh: $*" >&2; }

extract() { # PACKAGE: download the .deb (refreshing the index once if needed) and unpack it
  local pkg=$1 deb
  deb=$(ls "$cache/debs/${pkg}"_*.deb 2>/dev/null | head -1 || true)
  if [[ -z "$deb" ]]; then
    log "downloading $pkg"
    if ! (cd "$cache/debs" && apt-get download "$pkg" >&2); then
      log "apt-get download failed; refreshing the package index (needs root) and retrying"
      apt-get update >&2 || sudo -n apt-get update >&2 || { log "cannot refresh the package index"; return 1; }
      (cd "$cache/debs" && apt-get download "$pkg" >&2)
    fi
    deb=$(ls "$cache/debs/${pkg}"_*.deb | head -1)
  fi
  [[ -f "$root/.done-$pkg" ]] || { dpkg -x "$deb" "$root" && touch "$root/.done-$pkg"; }
}

extract libopenblas0-pthread
lib=$(find "$root" -path '*openblas-pthread/libblas.so.3' | head -1)
[[ -n "$lib" ]] || { log "libblas.so.3 not found inside libopenblas0-pthread"; exit 1; }
libdir=$(dirname "$lib")

# Resolve what the dynamic linker cannot find, from the cache first.
for round in 1 2 3; do
  missing=$(LD_LIBRARY_PATH="$libdir:$(dirname "$(find "$root" -name 'libgfortran.so.5' | head -1)" 2>/dev/null || echo .)" \
            ldd "$lib" | awk '/not found/ {print $1}')
  [[ -z "$missing" ]] && break
  for so in $missing; do
    case "$so" in
      libgfortran.so.5) extract libgfortran5 ;;
      libquadmath.so.0) extract libquadmath0 ;;
      libgomp.so.1) extract libgomp1 ;;
      *) log "missing $so and no package known for it"; exit 1 ;;
    esac
  done
done

# Copy the extra libraries next to libblas.so.3 so one LD_LIBRARY_PATH entry serves all.
for so in $(find "$root" \( -name 'libgfortran.so.5*' -o -name 'libquadmath.so.0*' -o -name 'libgomp.so.1*' \) \
            -not -path "$libdir/*"); do
  cp -P "$so" "$libdir/" 2>/dev/null || true
done
if LD_LIBRARY_PATH="$libdir" ldd "$lib" | grep -q 'not found'; then
  log "unresolved libraries remain:"; LD_LIBRARY_PATH="$libdir" ldd "$lib" | grep 'not found' >&2; exit 1
fi

if [[ "$mode" == libdir ]]; then echo "$libdir"; else echo "$lib"; fi
