#!/usr/bin/env bash
# Runs every fuzz target of the parsers of outside input for a bounded number
# of inputs each (FUZZTIME, or the count a target names, 30000x otherwise), one after the other, and fails on the
# first crash; the failing input is kept under the package's testdata/fuzz
# for `go test` to replay. The seed corpora also run in every `go test`.
#
# Each target lives in a package whose test binary links no database driver
# (intake/input, sms/gsm, sms/smsfuzz beside the parsers' own packages), so
# that building it with fuzzing instrumentation takes seconds, not minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
# A count, not a duration: with a duration Go's fuzzing coordinator races its
# own deadline on a loaded machine and can fail with "context deadline
# exceeded" without any failing input.
fuzztime=${FUZZTIME:-30000x}

targets=(
  "./internal/safecsv FuzzWriter"            # every CSV export cell
  "./rules FuzzRuleVersionYAML 10000x"       # rule version YAML (~2,000 inputs/s)
  ". FuzzPageToken"                          # page and sequence tokens
  ". FuzzNormalizeReceipt"                   # receipt codes
  "./norway FuzzParseNationalID"             # national identity numbers
  "./norway FuzzValidOrgNumber"              # organisation numbers
  "./norway FuzzNormalizePhone"              # phone numbers
  "./intake/input FuzzDecode"                # registration JSON
  "./intake/input FuzzDecodeForm"            # the registration form
  "./sms/smsfuzz FuzzTemplate"               # SMS templates
  "./sms/smsfuzz FuzzReceiptWebhook"         # signed delivery receipts
  "./sms/gsm FuzzCount"                      # SMS segment counting
)

# Every fuzz target of the repository is listed above: one added elsewhere
# fails the run until it is.
listed=$(printf '%s\n' "${targets[@]}" | awk '{print $2}' | sort)
found=$(grep -rhoE --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*' . | sed 's/^func //' | sort)
if [ "$listed" != "$found" ]; then
  echo "fuzz.sh: the targets listed differ from those in the code:" >&2
  diff <(echo "$listed") <(echo "$found") >&2 || true
  exit 1
fi

for t in "${targets[@]}"; do
  read -r pkg name count <<<"$t"
  n=${FUZZTIME:-${count:-$fuzztime}}
  echo "fuzz.sh: $name in $pkg for $n"
  go test "$pkg" -run "^${name}\$" -fuzz "^${name}\$" -fuzztime "$n" -parallel 2
done
