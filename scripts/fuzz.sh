#!/usr/bin/env bash
# Runs every fuzz target of the parsers of outside input for a bounded number
# of inputs each (FUZZTIME, or the count a target names, 30000x otherwise), one after the other, and fails on the
# first crash; the failing input is kept under the package's testdata/fuzz
# for `go test` to replay. The seed corpora also run in every `go test`.
#
# Targets whose test binary links SQLite (forms, registration JSON, SMS
# templates and webhook bodies) take minutes to build with fuzzing
# instrumentation; they run with FUZZ_ALL=1 (CI runs the others, and their
# seeds in the test suite).
set -euo pipefail
cd "$(dirname "$0")/.."
# A count, not a duration: with a duration Go's fuzzing coordinator races its
# own deadline on a loaded machine and can fail with "context deadline
# exceeded" without any failing input.
fuzztime=${FUZZTIME:-30000x}

targets=(
  "./internal/safecsv FuzzWriter"            # every CSV export cell
  "./rules FuzzRuleVersionYAML 600x"         # rule version YAML (~100 inputs/s)
  ". FuzzPageToken"                          # page and sequence tokens
  ". FuzzNormalizeReceipt"                   # receipt codes
  "./norway FuzzParseNationalID"             # national identity numbers
  "./norway FuzzValidOrgNumber"              # organisation numbers
  "./norway FuzzNormalizePhone"              # phone numbers
)
if [ "${FUZZ_ALL:-}" = 1 ]; then
  targets+=(
    "./intake FuzzDecode"                    # registration JSON
    "./web FuzzDecodeForm"                   # the registration form
    "./sms FuzzTemplate"                     # SMS templates
    "./sms FuzzCount"                        # SMS segment counting
    "./sms FuzzReceiptWebhook"               # signed delivery receipts
  )
fi

for t in "${targets[@]}"; do
  read -r pkg name count <<<"$t"
  n=${FUZZTIME:-${count:-$fuzztime}}
  echo "fuzz.sh: $name in $pkg for $n"
  go test "$pkg" -run "^${name}\$" -fuzz "^${name}\$" -fuzztime "$n" -parallel 2
done
