#!/usr/bin/env bash
# The ten-million-event ledger of docs/PERFORMANCE.md: generates 10,000,000 events for 1,000,000 households
# (aidledger-generate, relaxed commits in batches of 10,000, one sync at the end), then rebuilds every projection
# (a replay of the whole log and a comparison with the stored projections) inside a memory limit of 1 GiB when the
# machine lets us set one (a cgroup; needs root), and reports the time, the peak anonymous memory and the data
# file's size against the raw bytes of its records. About 10 minutes and 4 GB of disk here.
# Usage: Tools/ten-million.sh [HOUSEHOLDS EVENTS]
set -euo pipefail
cd "$(dirname "$0")"
make -s -C .. deps
HOUSEHOLDS=${1:-1000000}
EVENTS=${2:-10000000}
swift build -c release --product aidledger-generate >/dev/null
swift build -c release --product aidledger-bench >/dev/null
WORK=$(mktemp -d -p "${TMPDIR:-/var/tmp}")
CGROUP=""
cleanup() {
  rm -rf "$WORK"
  if [ -n "$CGROUP" ]; then rmdir "$CGROUP" 2>/dev/null || true; fi
}
trap cleanup EXIT
START=$(date +%s)
.build/release/aidledger-generate --households "$HOUSEHOLDS" --events "$EVENTS" --data "$WORK/ledger" 2>/dev/null | tail -1
echo "generated in $(( $(date +%s) - START )) s"

# A memory cgroup of 1 GiB for the rebuild (v1 or v2), when we may make one. Its limit counts the page cache too,
# which the kernel reclaims as the rebuild reads on; only memory the process cannot give back would stop it.
if [ -w /sys/fs/cgroup/memory ]; then
  CGROUP=/sys/fs/cgroup/memory/aidledger-10m-$$
  mkdir "$CGROUP" && echo $((1 << 30)) > "$CGROUP/memory.limit_in_bytes"
elif [ -w /sys/fs/cgroup/cgroup.subtree_control ] && grep -q memory /sys/fs/cgroup/cgroup.controllers; then
  CGROUP=/sys/fs/cgroup/aidledger-10m-$$
  mkdir "$CGROUP" && echo $((1 << 30)) > "$CGROUP/memory.max"
fi
( if [ -n "$CGROUP" ]; then echo $BASHPID > "$CGROUP/cgroup.procs"; fi
  exec .build/release/aidledger-bench "$WORK/ledger" --replay-only --repeat 1 ) > "$WORK/rebuild.txt" 2>&1 &
PID=$!
PEAK=0
while kill -0 $PID 2>/dev/null; do
  A=$(awk '/RssAnon/{print $2}' /proc/$PID/status 2>/dev/null || echo 0)
  [ -n "$A" ] && [ "$A" -gt "$PEAK" ] && PEAK=$A
  sleep 1
done
wait $PID && STATUS=0 || STATUS=$?
cat "$WORK/rebuild.txt"
LIMIT="none could be set (not root, or no memory cgroup)"
if [ -n "$CGROUP" ]; then LIMIT="1 GiB (cgroup)"; fi
echo "rebuild exit status $STATUS; memory limit: $LIMIT; peak anonymous memory $((PEAK / 1024)) MiB"
exit $STATUS
