#!/usr/bin/env bash
# One machine: run the shards of an explain-dataset run as parallel processes, then merge.
#   scripts/explain-dataset-local.sh <shards> <out> [explain-dataset options...]
# e.g. scripts/explain-dataset-local.sh 4 tmp/ig --model classifier --data digits:test:0-999 --method ig
# Shard i of <shards> writes into <out>; when every shard has succeeded, the merge writes <out>-summary (a trailing
# / of <out> is dropped, so tmp/ig/ also merges into tmp/ig-summary). Use as many shards as cores. When a shard
# fails, the script exits with its exit code (2 for bad input) and does not merge; a shard that finished before
# is skipped, so the script can be re-run to redo only the missing shards.
# apps/cli/test/explain-dataset-recipes.test.ts runs this script.
set -euo pipefail
usage() {
  echo "usage: $0 <shards> <out> [explain-dataset options...]  (<shards>: a whole number >= 1; got: $*)" >&2
  exit 2
}
[ "$#" -ge 2 ] || usage "$@"
n="$1"; out="$2"
[[ "$n" =~ ^[1-9][0-9]*$ ]] || usage "$@"
while [[ "$out" == */ && "$out" != / ]]; do out="${out%/}"; done
{ [ -n "$out" ] && [ "$out" != / ]; } || usage "$@"
shift 2
here="$(cd "$(dirname "$0")/.." && pwd)"
pids=()
for ((i = 0; i < n; i++)); do
  node "$here/apps/cli/dist/bin.js" explain-dataset "$@" --shard "$i/$n" --out "$out" --no-progress &
  pids+=("$!")
done
status=0
for p in "${pids[@]}"; do wait "$p" || status=$?; done
[ "$status" -eq 0 ] || { echo "a shard failed (exit $status); re-run to redo only the missing shards" >&2; exit "$status"; }
node "$here/apps/cli/dist/bin.js" merge "$out" --out "$out-summary"
