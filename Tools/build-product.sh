#!/usr/bin/env bash
# Builds one product of the package in the current directory in release, quietly; when the build fails, shows what
# the compiler said (the scripts that call it had sent it to /dev/null, and a failed build ended them without a word).
# Usage: Tools/build-product.sh PRODUCT
set -uo pipefail
if ! out=$(swift build -c release --product "$1" 2>&1); then
  echo "$out" | grep -E "error|note:" | head -40 >&2
  echo "building $1 failed (a build after files were added can keep a stale list of them: remove .build/release.yaml and try again)" >&2
  exit 1
fi
