#!/usr/bin/env bash
# One run, one machine: the raw LMDB and SHA-256 limits (Tools/limit) and the project's equivalents
# (aidledger-bench), each figure with its ratio to its limit, then the HTTP load test (Tools/http-load.sh).
# The whole table of docs/PERFORMANCE.md. Usage: Tools/measure.sh [HOUSEHOLDS]   (SKIP_HTTP=1 to leave out HTTP)
set -euo pipefail
cd "$(dirname "$0")"
HOUSEHOLDS=${1:-20000}
dpkg -s libssl-dev >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq libssl-dev >/dev/null; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
gcc -O2 -Wno-deprecated-declarations -o "$WORK/lmdb_limit" limit/lmdb_limit.c -llmdb -lcrypto
swift build -c release --product aidledger-bench >/dev/null
PROJECT=$(.build/release/aidledger-bench "$WORK/bench" --households "$HOUSEHOLDS")
SIZE=$(echo "$PROJECT" | sed 's/.*"mean_record_bytes":\([0-9.]*\).*/\1/' | cut -d. -f1)
LIMIT=$("$WORK/lmdb_limit" "$WORK/limit" "$SIZE" 1000000)
python3 - "$PROJECT" "$LIMIT" <<'PY'
import json, sys
p, l = json.loads(sys.argv[1]), json.loads(sys.argv[2])
rows = [
    ("batched validated appends, 10,000 per commit (commands/s)", p["batch10000_commands_per_s"], l["append_10000_per_commit"], "raw puts, 10,000 per commit"),
    ("batched validated appends, 100 per commit (commands/s)", p["batch100_commands_per_s"], l["append_100_per_commit"], "raw puts, 100 per commit"),
    ("single-command durable commits (commands/s)", p["single_commit_per_s"], l["append_1_per_commit"], "raw one-put durable commits"),
    ("rebuild of all projections (events/s)", p["rebuild_events_per_s"], l["scan"], "raw cursor scan"),
    ("verify (records/s)", p["verify_records_per_s"], l["sha256"], "raw chained SHA-256"),
]
print(f"records of {l['record_size']} bytes; {int(p['events'])} events in the ledger measured")
print(f"{'figure':58} {'project':>12} {'limit':>12} {'ratio':>7}  limit is")
for name, mine, limit, what in rows:
    print(f"{name:58} {mine:12,.0f} {limit:12,.0f} {mine / limit:7.1%}  {what}")
print(f"{'recipient balance lookup, median (µs)':58} {p['recipient_balance_median_us']:12.1f}")
print(f"{'data file / raw record bytes':58} {p['data_file_to_record_bytes']:12.2f}")
PY
if [ -z "${SKIP_HTTP:-}" ]; then
  echo
  echo "HTTP: 64 clients issuing single kits for 15 s"
  bash ./http-load.sh 15 64 | tail -2
fi
