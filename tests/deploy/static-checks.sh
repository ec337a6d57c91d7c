#!/usr/bin/env bash
# hadolint on the Dockerfile, checkov on the Dockerfile and infra/main.bicep. Any finding fails the run, and so
# does a file checkov cannot parse (it would otherwise pass with zero checks). Runs offline: checkov downloads
# nothing (--skip-download) and finds no platform to report to.
#   tests/deploy/static-checks.sh <folder with hadolint and checkov>
set -euo pipefail
BIN="${1:?folder of the hadolint and checkov executables}"
cd "$(dirname "$0")/../.."
"$BIN/hadolint" --failure-threshold info Dockerfile
echo "hadolint: Dockerfile clean"
report="$(mktemp)"
trap 'rm -f "$report"' EXIT
status=0
BC_SKIP_MAPPING=TRUE "$BIN/checkov" --quiet --compact --skip-download --framework dockerfile bicep \
  --file Dockerfile --file infra/main.bicep > "$report" 2>&1 || status=$?
cat "$report"
if grep -q "Parsing errors: [1-9]" "$report"; then
  echo "checkov could not parse a file" >&2
  exit 1
fi
if ! grep -q "bicep scan results" "$report" || ! grep -q "dockerfile scan results" "$report"; then
  echo "checkov scanned neither the Bicep nor the Dockerfile" >&2
  exit 1
fi
exit "$status"
