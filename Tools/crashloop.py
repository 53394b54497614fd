#!/usr/bin/env python3
"""The crash loop: start a writer, kill it with SIGKILL at a random moment, restart, and check that nothing
acknowledged was lost, nothing was half-written, and retries stay safe.

Writers: the counter service under concurrent load (--mode server) and the JSONL import (--mode import).
After every kill: every command acknowledged before it is in the log exactly once; retrying every command
(acknowledged or not) appends nothing twice; at the end the chain verifies, the projections equal a rebuild,
and the books reconcile.

Usage: Tools/crashloop.py --bin .build/debug/aidledger --kills N [--mode server|import|both] [--seed S]
Prints one JSON line with the figures.
"""
import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

parser = argparse.ArgumentParser()
parser.add_argument("--bin", required=True)
parser.add_argument("--kills", type=int, default=10)
parser.add_argument("--mode", default="both", choices=["server", "import", "both"])
parser.add_argument("--seed", type=int, default=1)
parser.add_argument("--clients", type=int, default=16)
args = parser.parse_args()
rng = random.Random(args.seed)
BIN = os.path.abspath(args.bin)
work = tempfile.mkdtemp(prefix="aidledger-crash-")
data = os.path.join(work, "ledger")
RECIPIENTS = 200


def run(*argv, check=True):
    p = subprocess.run([BIN, *argv, "--data", data], capture_output=True, text=True)
    if check and p.returncode != 0:
        sys.exit(f"aidledger {' '.join(argv)} failed ({p.returncode}): {p.stderr}{p.stdout}")
    return p


def setup():
    lines = [
        {"command": "donor.add", "command-id": "s1", "id": "D", "name": "Donor", "kind": "charity"},
        {"command": "site.add", "command-id": "s2", "id": "S", "name": "Site", "kind": "distribution_point", "settlement": "Kalush", "area": "urban"},
        {"command": "item.add", "command-id": "s3", "id": "kit", "name": "Kit", "category": "other", "unit": "kit", "value": "100"},
        {"command": "campaign.add", "command-id": "s4", "id": "C", "name": "C", "from": "2026-01-01", "to": "2030-12-31", "donor": ["D"], "item": ["kit"]},
        {"command": "intake.goods", "command-id": "s5", "site": "S", "donor": "D", "item": "kit", "quantity": "100000000", "document": "w"},
    ] + [{"command": "recipient.register", "command-id": f"r{i}", "id": f"K-{i:05d}", "kind": "individual", "category": "idp",
          "area": "urban", "settlement": "Kalush"} for i in range(1, RECIPIENTS + 1)]
    path = os.path.join(work, "setup.jsonl")
    with open(path, "w") as f:
        f.write("\n".join(json.dumps(l) for l in lines) + "\n")
    run("init")
    run("import", path, "--quiet")
    return run("token", "create", "--role", "warehouse", "--name", "crash").stdout.strip()


def issue_body(cid):
    n = int(cid.split("-")[-1])
    return json.dumps({"command": "issue", "command-id": cid, "site": "S", "recipient": f"K-{n % RECIPIENTS + 1:05d}", "campaign": "C", "item": ["kit"]}).encode()


def post(port, token, cid, timeout=10):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/commands", data=issue_body(cid), method="POST",
                                 headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.status, json.loads(r.read())


def start_server():
    p = subprocess.Popen([BIN, "serve", "--port", "0", "--data", data], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = p.stdout.readline()
    while "http://" not in line:
        if p.poll() is not None:
            sys.exit("the server did not start")
        line = p.stdout.readline()
    return p, int(line.strip().rsplit(":", 1)[1].rstrip("/"))


acknowledged = {}   # command id -> positions
tried = set()
kills = 0
counter = [0]
lock = threading.Lock()


def server_round(token):
    global kills
    server, port = start_server()
    stop = threading.Event()

    def client():
        while not stop.is_set():
            with lock:
                counter[0] += 1
                cid = f"c-{counter[0]}"
                tried.add(cid)
            try:
                status, body = post(port, token, cid)
                if status in (200, 201):
                    with lock:
                        acknowledged[cid] = body["positions"]
            except Exception:
                return  # the server died under us: this one is not acknowledged

    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    for t in threads:
        t.start()
    time.sleep(rng.uniform(0.05, 1.0))
    server.send_signal(signal.SIGKILL)
    server.wait()
    kills += 1
    stop.set()
    for t in threads:
        t.join()


def import_round():
    global kills
    cids = [f"i-{kills}-{k}" for k in range(3000)]
    path = os.path.join(work, f"import-{kills}.jsonl")
    with open(path, "w") as f:
        for cid in cids:
            body = json.loads(issue_body(cid))
            f.write(json.dumps(body) + "\n")
    p = subprocess.Popen([BIN, "import", path, "--batch", str(rng.choice([1, 10, 100, 500])), "--quiet", "--data", data],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(rng.uniform(0.02, 0.6))
    p.send_signal(signal.SIGKILL)
    p.wait()
    kills += 1
    # Running the same file again completes it: nothing twice.
    again = run("import", path, "--quiet", "--json")
    summary = json.loads(again.stdout.strip().splitlines()[-1])["summary"]
    if summary["rejected"]:
        sys.exit(f"re-running an interrupted import rejected lines: {summary}")
    tried.update(cids)


token = setup()
modes = ["server", "import"] if args.mode == "both" else [args.mode]
for k in range(args.kills):
    if modes[k % len(modes)] == "server":
        server_round(token)
    else:
        import_round()

# Every command tried, retried once more: acknowledged ones return their first positions, the rest land once.
server, port = start_server()
retried_same = 0
for cid in sorted(tried):
    if not cid.startswith("c-"):
        continue
    status, body = post(port, token, cid)
    if cid in acknowledged:
        if body["positions"] != acknowledged[cid] or body["status"] != "duplicate":
            sys.exit(f"retry of acknowledged {cid} gave {body['status']} {body['positions']}, first {acknowledged[cid]}")
        retried_same += 1
server.send_signal(signal.SIGTERM)
server.wait()

# The log holds each command id once, and every acknowledged one.
counts = {}
export = run("export").stdout
for line in export.splitlines():
    cid = json.loads(line)["command_id"]
    counts[cid] = counts.get(cid, 0) + 1
twice = [c for c, n in counts.items() if n > 1]
missing = [c for c in acknowledged if c not in counts]
verify = run("verify", check=False)
check = run("rebuild", "--check", check=False)
reconcile = run("reconcile", check=False)
result = {
    "kills": kills, "mode": args.mode, "commands_tried": len(tried), "acknowledged": len(acknowledged),
    "acknowledged_retried_same": retried_same, "events": len(export.splitlines()), "lost": len(missing), "duplicated": len(twice),
    "chain_intact": verify.returncode == 0, "projections_equal_rebuild": check.returncode == 0, "reconciled": reconcile.returncode == 0,
}
print(json.dumps(result))
subprocess.run(["rm", "-rf", work])
ok = not missing and not twice and verify.returncode == 0 and check.returncode == 0 and reconcile.returncode == 0
sys.exit(0 if ok else 1)
