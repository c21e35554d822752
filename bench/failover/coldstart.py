"""Start-to-ready of vipd, taken apart: where the seconds from `vipd run` to owning VIPs go.

    sudo python3 bench/failover/coldstart.py [--reps N] [--opts NAME=JVM-OPTIONS ...]
                                             [--profile default] [--out FILE]

For each JVM option set (added after the launcher's defaults; NAME= alone means the shipped
flags) and repetition, in the failover lab (lab.py), three cases:
  first   h1 starts alone (its two configured peers are down) and owns both VIPs;
  joiner  h2 starts while h1 runs (it owns nothing: ownership is sticky);
  all     h1, h2 and h3 start at the same moment (a cold start of the whole cluster).
Milestones, in ms after the process start, from the daemon's log lines and sd_notify:
  log      the first log line (JVM start, class loading, config parsing done);
  hz       Hazelcast starts (data plane open);
  members  Hazelcast printed its first member list (joined, or formed a cluster alone);
  cluster  the cluster node runs (beacons started);
  ready    READY=1;
  owns     the first VIP acquired (case first and all);
  cpu_ready  CPU ms (user + system) the JVM used until READY=1, robust against a busy machine.
Rows are JSON lines (type "coldstart"); a table is printed at the end.
"""

import argparse
import datetime
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import time

import analyse
import lab
import peers
import startup
from lab import HOSTS

MARKS = (("log", r""), ("hz", r"HazelcastInstanceFactory|Hazelcast is starting"),
         ("members", r"Members \{size:"), ("cluster", r"op=cluster-start"),
         ("owns", r"op=acquired vip="))


def milestones(peer, host, t0):
    events = analyse.log_events(peer.log_path(host), datetime.date.fromtimestamp(t0))
    out = {}
    for key, pattern in MARKS:
        t = next((t for t, text in events if t >= t0 - 0.002 and re.search(pattern, text)), None)
        out[key] = None if t is None else round((t - t0) * 1000)
    return out


def truncate_logs(peer):
    for h in HOSTS:
        open(peer.log_path(h), "w").close()


def start_and_wait(peer, hosts):
    """Starts hosts at once; returns {host: (t0, ready seconds or None)}."""
    socks, t0s = {}, {}
    for h in hosts:
        t0s[h] = time.time()
        socks[h] = peer.start(h)
    out = {}
    for h in hosts:
        ready = startup.wait_ready(peer, h, socks[h], t0s[h])
        # CPU seconds spent until READY=1: less disturbed by a loaded machine than wall time.
        out[h] = (t0s[h], ready, peer.cpu_seconds(h))
        socks[h].close()
    return out


def owned_by(peer, hosts, limit_s=20):
    """Waits until both VIPs are owned; returns {vip: owner} (may be partial after limit_s)."""
    deadline = time.time() + limit_s
    owners = {}
    while time.time() < deadline:
        owners = {}
        for h in hosts:
            st = peer.status(h) or {}
            for p in st.get("pools", []):
                for v in p["vips"]:
                    if v.get("owner"):
                        owners[v["vip"]] = v["owner"]
        if len(owners) == 2:
            break
        time.sleep(0.2)
    return owners


def one_rep(peer, name, rep, write):
    truncate_logs(peer)
    cases = [("first", ["h1"]), ("joiner", ["h2"])]
    for case, hosts in cases:
        res = start_and_wait(peer, hosts)
        if case == "first":
            owned_by(peer, hosts)
        else:
            time.sleep(2)
        for h, (t0, ready, cpu) in res.items():
            write({"type": "coldstart", "opts": name, "profile": peer.profile, "case": case,
                   "rep": rep, "host": h, "ready": None if ready is None else round(ready * 1000),
                   "cpu_ready": round(cpu * 1000), "loadavg": os.getloadavg()[0],
                   **milestones(peer, h, t0)})
    peer.stop_all()
    truncate_logs(peer)
    res = start_and_wait(peer, list(HOSTS))
    owners = owned_by(peer, HOSTS)
    for h, (t0, ready, cpu) in res.items():
        write({"type": "coldstart", "opts": name, "profile": peer.profile, "case": "all",
               "rep": rep, "host": h, "ready": None if ready is None else round(ready * 1000),
               "cpu_ready": round(cpu * 1000), "loadavg": os.getloadavg()[0],
               "owner_of": sorted(v for v, o in owners.items() if o == h),
               **milestones(peer, h, t0)})
    peer.stop_all()


def print_table(rows):
    keys = ("log", "hz", "members", "cluster", "ready", "owns", "cpu_ready")
    groups = {}
    for r in rows:
        groups.setdefault((r["opts"], r["case"]), []).append(r)
    print("\nstart-to-ready, ms after the process start (median; max) over hosts and repetitions")
    print(f"{'opts':16s} {'case':7s} {'n':>2s} " + " ".join(f"{k:>13s}" for k in keys))
    for (opts, case), rs in groups.items():
        cells = []
        for k in keys:
            xs = [r[k] for r in rs if r.get(k) is not None]
            cells.append(f"{analyse.median(xs):6.0f};{max(xs):6.0f}" if xs else f"{'-':>13s}")
        print(f"{opts:16s} {case:7s} {len(rs):2d} " + " ".join(f"{c:>13s}" for c in cells))


def main():
    ap = argparse.ArgumentParser(prog="coldstart.py")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--opts", action="append", default=None,
                    help="NAME=JVM-OPTIONS after the launcher's defaults (repeatable)")
    ap.add_argument("--profile", default="default")
    ap.add_argument("--jar", default="daemon/target/vipd.jar")
    ap.add_argument("--out", default="bench/failover/coldstart.jsonl")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    opt_sets = [o.partition("=")[::2] for o in (args.opts or ["shipped="])]
    tmp = tempfile.mkdtemp(prefix=f"vipd-bf-{os.getpid()}-")
    the_lab = lab.Lab()
    rows = []
    run = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with open(args.out, "a") as out:
        def write(row):
            row = {"run": run, **row}
            rows.append(row)
            out.write(json.dumps(row) + "\n")
            out.flush()
            print("  ", {k: v for k, v in row.items() if k != "run"}, flush=True)
        try:
            the_lab.build()
            for rep in range(args.reps):
                for name, opts in opt_sets:  # interleaved, so load drifts hit every set alike
                    peer = peers.Vipd(f"cs-{name}", the_lab, tmp, os.path.abspath(args.jar),
                                      args.profile, opts.split())
                    try:
                        one_rep(peer, name, rep, write)
                    finally:
                        peer.stop_all()
        finally:
            the_lab.destroy()
            if not args.keep:
                shutil.rmtree(tmp, ignore_errors=True)
            else:
                print(f"logs kept in {tmp}")
    print_table(rows)


if __name__ == "__main__":
    main()
