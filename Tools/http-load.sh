#!/usr/bin/env bash
# The HTTP load test: the counter service on loopback, 64 concurrent clients issuing single kits (wrk),
# every issuance durable before its answer. Prints throughput and p50/p99 latency, then checks that the
# ledger holds exactly the acknowledged issuances and still verifies.
# Usage: Tools/http-load.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN=${1:-15}
CONNECTIONS=${2:-64}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
bash Tools/build-product.sh aidledger
BIN=.build/release/aidledger
DIR=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$DIR"' EXIT
# A city centre's caseload: each household gets a handful of kits during the run, as in a day of queues, not
# hundreds each (which would make every household's history, and so each check, longer than any real one).
RECIPIENTS=${RECIPIENTS:-20000}
{
  echo '{"command":"donor.add","command-id":"l1","id":"LOAD-DONOR","name":"Load donor","kind":"charity"}'
  echo '{"command":"site.add","command-id":"l2","id":"LOAD-SITE","name":"Load site","kind":"distribution_point","settlement":"Kalush","area":"urban"}'
  echo '{"command":"item.add","command-id":"l3","id":"load-kit","name":"Load kit","category":"other","unit":"kit","value":"100"}'
  echo '{"command":"campaign.add","command-id":"l4","id":"LOAD","name":"Load","from":"2026-01-01","to":"2030-12-31","donor":["LOAD-DONOR"],"item":["load-kit"]}'
  echo '{"command":"intake.goods","command-id":"l5","site":"LOAD-SITE","donor":"LOAD-DONOR","item":"load-kit","quantity":"100000000","document":"load"}'
  for i in $(seq 1 $RECIPIENTS); do
    printf '{"command":"recipient.register","command-id":"r%d","id":"L-%06d","kind":"individual","category":"idp","area":"urban","settlement":"Kalush"}\n' "$i" "$i"
  done
} > "$DIR/setup.jsonl"
$BIN init --data "$DIR/ledger" >/dev/null
$BIN import "$DIR/setup.jsonl" --data "$DIR/ledger" --quiet >/dev/null
BEFORE=$($BIN verify --data "$DIR/ledger" --json | sed 's/.*"records":\([0-9]*\).*/\1/')
TOKEN=$($BIN token create --role warehouse --name load --data "$DIR/ledger")
$BIN serve --data "$DIR/ledger" --port 18181 > "$DIR/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:18181/health >/dev/null && break; sleep 0.1; done
RESULT=$(wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_TO_RUN}s" --latency -s Tools/load/issue.lua http://127.0.0.1:18181 -- "$TOKEN" "$RECIPIENTS" | tail -1)
kill -TERM $SERVER; wait $SERVER 2>/dev/null || true
AFTER=$($BIN verify --data "$DIR/ledger" --json | sed 's/.*"records":\([0-9]*\).*/\1/')
CREATED=$(echo "$RESULT" | sed 's/.*"created":\([0-9]*\).*/\1/')
echo "$RESULT"
echo "{\"connections\":$CONNECTIONS,\"acknowledged\":$CREATED,\"appended\":$((AFTER - BEFORE)),\"chain\":\"$($BIN verify --data "$DIR/ledger" >/dev/null && echo intact || echo BROKEN)\"}"
[ "$CREATED" -le "$((AFTER - BEFORE))" ] || { echo "acknowledged issuances are missing from the ledger" >&2; exit 1; }
