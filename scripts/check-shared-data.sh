#!/usr/bin/env bash
# Compares norway/data, the reference data embedded in the binary, with the
# published copy it was taken from (default ../shared/data beside the
# repository, or the directory given), and checks that the committed sums
# in norway/testdata/shared-data.sha256, which the tests use, still match it.
set -euo pipefail
cd "$(dirname "$0")/.."
src=${1:-../shared/data}
if [ ! -d "$src" ]; then
  echo "check-shared-data: no reference data at $src" >&2
  exit 2
fi
(cd "$src" && sha256sum -c --quiet) < norway/testdata/shared-data.sha256
(cd norway/data && sha256sum -c --quiet) < norway/testdata/shared-data.sha256
echo "check-shared-data: norway/data matches $src"
