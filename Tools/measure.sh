#!/usr/bin/env bash
# One run, one machine: the raw LMDB and SHA-256 limits (Tools/limit) and the project's equivalents
# (aidledger-bench), each figure with its ratio to its limit (medians of ROUNDS rounds, 3 unless set), then the
# HTTP load test (Tools/http-load.sh).
# Then the ten-million-event ledger (Tools/ten-million.sh: about 10 minutes and 4 GB of disk).
# Installs what it needs from Debian (as root). The whole table of docs/PERFORMANCE.md. Usage: Tools/measure.sh [HOUSEHOLDS]
# (SKIP_HTTP=1 leaves out HTTP, SKIP_TEN_MILLION=1 the ten million events.)
set -euo pipefail
cd "$(dirname "$0")"
HOUSEHOLDS=${1:-20000}
make -s -C .. deps  # liblmdb-dev, lmdb-utils, pkg-config, libssl-dev
command -v gcc >/dev/null || { apt-get update -qq && apt-get install -y -qq gcc >/dev/null; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
gcc -O2 -Wno-deprecated-declarations -o "$WORK/lmdb_limit" limit/lmdb_limit.c -llmdb -lcrypto
bash ./build-product.sh aidledger-bench
# Timings on a shared virtual machine vary from run to run (fsync latency most of all): three rounds, the raw limit
# and the project's figures side by side in each, and the medians.
ROUNDS=${ROUNDS:-3}
for round in $(seq 1 "$ROUNDS"); do
  .build/release/aidledger-bench "$WORK/bench" --households "$HOUSEHOLDS" > "$WORK/project-$round.json"
  SIZE=$(sed 's/.*"mean_record_bytes":\([0-9.]*\).*/\1/' "$WORK/project-$round.json" | cut -d. -f1)
  rm -rf "$WORK/limit"
  "$WORK/lmdb_limit" "$WORK/limit" "$SIZE" 1000000 "$HOUSEHOLDS" > "$WORK/limit-$round.json"
done
python3 - "$WORK" "$ROUNDS" <<'PY'
import json, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
ps = [json.load(open(f"{work}/project-{r}.json")) for r in range(1, rounds + 1)]
ls = [json.load(open(f"{work}/limit-{r}.json")) for r in range(1, rounds + 1)]
med = lambda xs: statistics.median(xs)
rows = [
    ("batched validated appends, 10,000 per commit (commands/s)", "batch10000_commands_per_s", "append_10000_per_commit", "raw puts, 10,000 per commit"),
    ("  the same, against commands shaped like an issuance", "batch10000_commands_per_s", "append_10000_per_commit_issuance_shaped", "raw puts of an issuance's entries, 10,000 commands per commit"),
    ("batched validated appends, 100 per commit (commands/s)", "batch100_commands_per_s", "append_100_per_commit", "raw puts, 100 per commit"),
    ("single-command durable commits (commands/s)", "single_commit_per_s", "append_1_per_commit", "raw one-put durable commits"),
    ("  the same, against commits shaped like an issuance", "single_commit_per_s", "append_1_per_commit_issuance_shaped", "raw commits writing an issuance's entries"),
    ("rebuild of all projections (events/s)", "rebuild_events_per_s", "scan", "raw cursor scan"),
    ("verify (records/s)", "verify_records_per_s", "sha256", "raw chained SHA-256"),
]
print(f"records of {ls[0]['record_size']} bytes; {int(ps[0]['events'])} events in the ledger measured; medians of {rounds} rounds")
print(f"{'figure':58} {'project':>12} {'limit':>12} {'ratio':>7}  (ratios per round)  limit is")
for name, p, l, what in rows:
    ratios = [x[p] / y[l] for x, y in zip(ps, ls)]
    print(f"{name:58} {med([x[p] for x in ps]):12,.0f} {med([y[l] for y in ls]):12,.0f} {med(ratios):7.1%}  ({', '.join(f'{r:.1%}' for r in ratios)})  {what}")
fewest = [y["append_1_per_commit_issuance_fewest_trees"] / y["append_1_per_commit"] for y in ls]
print(f"{'  limit alone: the same entries in the fewest trees':58} {'':>12} {med([y['append_1_per_commit_issuance_fewest_trees'] for y in ls]):12,.0f} {med(fewest):7.1%}  ({', '.join(f'{r:.1%}' for r in fewest)})  of raw one-put durable commits: the most any layout allows")
print(f"{'recipient balance lookup, median (µs)':58} {med([x['recipient_balance_median_us'] for x in ps]):12.1f}")
print(f"{'data file / raw record bytes':58} {med([x['data_file_to_record_bytes'] for x in ps]):12.2f}")
PY
if [ -z "${SKIP_HTTP:-}" ]; then
  echo
  echo "HTTP: 64 clients issuing single kits for 15 s, $ROUNDS rounds"
  for round in $(seq 1 "$ROUNDS"); do bash ./http-load.sh 15 64 2>/dev/null | tail -2 | tee "$WORK/http-$round.txt"; done
  python3 - "$WORK" "$ROUNDS" <<'PY'
import json, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
runs = [json.loads(open(f"{work}/http-{r}.txt").readline()) for r in range(1, rounds + 1)]
print(f"median: {statistics.median(r['per_second'] for r in runs):,.0f} issuances/s, p99 {statistics.median(r['p99_ms'] for r in runs):.1f} ms")
PY
fi
if [ -z "${SKIP_TEN_MILLION:-}" ]; then
  echo
  echo "Ten million events for a million households: generated, then rebuilt, reported on, asked about at two past points and verified, each inside 1 GiB"
  bash ./ten-million.sh
fi
