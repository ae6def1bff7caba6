#!/usr/bin/env bash
# One machine: run the shards of an explain-dataset run as parallel processes, then merge.
#   scripts/explain-dataset-local.sh <shards> <out> [explain-dataset options...]
# e.g. scripts/explain-dataset-local.sh 4 tmp/ig --model classifier --data digits:test:0-999 --method ig
# Use as many shards as cores; a shard that finished before is skipped, so the script can be re-run after a failure.
set -euo pipefail
n="$1"; out="$2"; shift 2
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
