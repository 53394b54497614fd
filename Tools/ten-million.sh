#!/usr/bin/env bash
# The ten-million-event ledger of docs/PERFORMANCE.md: generates 10,000,000 events for 1,000,000 households
# (aidledger-generate, relaxed commits in batches of 10,000, one sync at the end), then rebuilds every projection
# (a replay of the whole log and a comparison with the stored projections) inside a memory limit of 1 GiB when the
# machine lets us set one (a cgroup; needs root), and reports the time, the peak anonymous memory and the data
# file's size against the raw bytes of its records; then, inside the same limit, the whole history's report, the
# books at two past points (a replay, then one from a milestone), a verify, one household's events and an auditor's
# samples of the whole history (uniform, then by value: two passes). About 15 minutes and 6 GB of disk here.
# Usage: Tools/ten-million.sh [HOUSEHOLDS EVENTS]
set -euo pipefail
cd "$(dirname "$0")"
make -s -C .. deps
HOUSEHOLDS=${1:-1000000}
EVENTS=${2:-10000000}
bash ./build-product.sh aidledger-generate
bash ./build-product.sh aidledger-bench
bash ./build-product.sh aidledger
WORK=$(mktemp -d -p "${TMPDIR:-/var/tmp}")
CGROUP=""
cleanup() {
  rm -rf "$WORK"
  if [ -n "$CGROUP" ]; then rmdir "$CGROUP" 2>/dev/null || true; fi
}
trap cleanup EXIT
START=$(date +%s)
# Its progress goes to a file, shown with its error if it fails (hidden, a failed run printed nothing at all).
.build/release/aidledger-generate --households "$HOUSEHOLDS" --events "$EVENTS" --data "$WORK/ledger" 2>"$WORK/generate.log" | tail -1 \
  || { tail -c 2000 "$WORK/generate.log" >&2; echo "generating failed" >&2; exit 1; }
echo "generated in $(( $(date +%s) - START )) s"

# A memory cgroup of 1 GiB for the rebuild (v1 or v2), when we may make one. Its limit counts the page cache the
# process fills, which the kernel reclaims as the rebuild reads on; only memory the process cannot give back would
# stop it. The log the generator has just written is in the page cache already, charged outside the cgroup, so the
# rebuild reads it from memory: with every cache dropped first (`echo 3 > /proc/sys/vm/drop_caches`) the same
# rebuild reads the 3 GB data file from disk and took 412 s against 44 s (docs/PERFORMANCE.md, "Stop 30").
if [ -w /sys/fs/cgroup/memory ]; then
  CGROUP=/sys/fs/cgroup/memory/aidledger-10m-$$
  mkdir "$CGROUP" && echo $((1 << 30)) > "$CGROUP/memory.limit_in_bytes"
elif [ -w /sys/fs/cgroup/cgroup.subtree_control ] && grep -q memory /sys/fs/cgroup/cgroup.controllers; then
  CGROUP=/sys/fs/cgroup/aidledger-10m-$$
  mkdir "$CGROUP" && echo $((1 << 30)) > "$CGROUP/memory.max"
fi
# Runs a command inside the cgroup (when there is one), sampling its peak anonymous memory once a second; prints the
# command's output, its exit status, its time and that peak.
limited() {
  local name=$1; shift
  local start=$(date +%s)
  ( if [ -n "$CGROUP" ]; then echo $BASHPID > "$CGROUP/cgroup.procs"; fi
    exec "$@" ) > "$WORK/out.txt" 2>&1 &
  local pid=$! peak=0 a status
  while kill -0 $pid 2>/dev/null; do
    a=$(awk '/RssAnon/{print $2}' /proc/$pid/status 2>/dev/null || echo 0)
    [ -n "$a" ] && [ "$a" -gt "$peak" ] && peak=$a
    sleep 1
  done
  wait $pid && status=0 || status=$?
  tail -3 "$WORK/out.txt" | cut -c1-160
  echo "$name: exit status $status; $(( $(date +%s) - start )) s; peak anonymous memory $((peak / 1024)) MiB"
  return $status
}
LIMIT="none could be set (not root, or no memory cgroup)"
if [ -n "$CGROUP" ]; then LIMIT="1 GiB (cgroup)"; fi
echo "memory limit: $LIMIT"
limited "rebuild" .build/release/aidledger-bench "$WORK/ledger" --replay-only --repeat 1
# What an auditor and an accountant ask of such a ledger, inside the same limit: the whole history's report, the
# books at the middle of the history (a replay from the start, which leaves a milestone at every millionth event),
# the books at three eighths of it (a replay from the milestone before that point), and the chain.
limited "report over the whole history" .build/release/aidledger report --data "$WORK/ledger" --from 2000-01-01 --to 2099-12-31 --format json
limited "balance at the middle (a replay)" .build/release/aidledger balance campaign MAIN --data "$WORK/ledger" --at $((EVENTS / 2)) --json
limited "balance at three eighths (from a milestone)" .build/release/aidledger balance campaign MAIN --data "$WORK/ledger" --at $((EVENTS * 3 / 8 + 1)) --json
limited "verify" .build/release/aidledger verify --data "$WORK/ledger"
limited "one household's events (log --entity)" .build/release/aidledger log --data "$WORK/ledger" --entity H-0500000 --json
limited "audit sample of the whole history" .build/release/aidledger sample --data "$WORK/ledger" --from 2000-01-01 --to 2099-12-31 --size 100 --seed audit --json
limited "audit sample by value" .build/release/aidledger sample --data "$WORK/ledger" --from 2000-01-01 --to 2099-12-31 --size 100 --seed audit --by-value --json
