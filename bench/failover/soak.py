"""Soak: the fastest profile for N minutes under a CPU hog in a neighbouring namespace.

    sudo python3 bench/failover/soak.py [--minutes 10] [--profile fastest] [--hogs 2]
                                        [--out FILE]

The failover lab (lab.py) with vipd on h1-h3 and the client probing both VIPs every 5 ms, as in
bench/failover/run; nothing fails on purpose. A "hog" namespace (on the same bridge, address
198.51.100.20) runs --hogs busy-loop processes, one per core by default, so the daemons compete
for CPU with them. Counted at the end: owner switches the client saw, lost probes and the
longest outage, peer suspicions and fencing in the daemons' logs, and
vipd_failovers_total from each host's /metrics. Every one of them is a false failover or its
precursor: nothing failed.
"""

import argparse
import datetime
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import analyse
import failover
import lab
import peers
from lab import HOSTS, HOST_IP4

HOG = "while True: pass"


def failovers_total(the_lab, host):
    out = the_lab.run("client", "curl", "-s", "--max-time", "3",
                      f"http://{HOST_IP4[host]}:9476/metrics", check=False, timeout=10)
    return sum(float(m.group(1)) for m in
               re.finditer(r"^vipd_failovers_total\{[^}]*\} ([0-9.e+]+)$", out, re.M))


def main():
    ap = argparse.ArgumentParser(prog="soak.py")
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--profile", default="fastest")
    ap.add_argument("--hogs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--jar", default="daemon/target/vipd.jar")
    ap.add_argument("--out", default="bench/failover/soak.jsonl")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix=f"vipd-bf-{os.getpid()}-")
    the_lab = lab.Lab()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    procs = []
    peer = None
    try:
        the_lab.build()
        the_lab._add_host("hog", "198.51.100.20", "2001:db8::20", "02:00:00:00:00:20")
        for h in HOSTS:
            procs.append(subprocess.Popen(the_lab.exec_argv(h, sys.executable,
                                                            failover.here("echo.py"), h,
                                                            str(failover.PORT))))
        peer = peers.Vipd(f"soak-{args.profile}", the_lab, tmp, os.path.abspath(args.jar),
                          args.profile)
        for h in HOSTS:
            peer.start(h).close()
        deadline = time.time() + 90
        while time.time() < deadline and not peer.steady(HOSTS):
            time.sleep(0.5)
        before = {h: failovers_total(the_lab, h) for h in HOSTS}
        seconds = args.minutes * 60
        probe_path = os.path.join(tmp, "soak.probe.json")
        probe = subprocess.Popen(the_lab.exec_argv("client", sys.executable,
                                                   failover.here("probe.py"), probe_path,
                                                   str(seconds + 30), lab.VIP4, lab.VIP6,
                                                   str(failover.PORT), str(failover.PROBE_MS)),
                                 stdout=subprocess.PIPE, text=True)
        probe.stdout.readline()
        hogs = [subprocess.Popen(the_lab.exec_argv("hog", sys.executable, "-c", HOG))
                for _ in range(args.hogs)]
        procs += hogs
        t0 = time.time()
        print(f"soak: {args.minutes} min, {args.hogs} hogs, load {os.getloadavg()}", flush=True)
        time.sleep(seconds)
        t1 = time.time()
        load = os.getloadavg()
        for p in hogs:
            lab.stop_pid(p, signal.SIGKILL, 5)
        after = {h: failovers_total(the_lab, h) for h in HOSTS}
        lab.stop_pid(probe, signal.SIGTERM, 10)
        with open(probe_path) as f:
            rec = json.load(f)
        day = datetime.date.fromtimestamp(t0)
        logs = {h: [(t, x) for t, x in analyse.log_events(peer.log_path(h), day) if t0 <= t <= t1]
                for h in HOSTS}
        row = {"type": "soak", "profile": args.profile, "minutes": args.minutes,
               "hogs": args.hogs, "loadavg_end": load,
               "failovers": {h: after[h] - before[h] for h in HOSTS},
               "suspicions": {h: sum(1 for _, x in logs[h] if "op=peer-suspected" in x)
                              for h in HOSTS},
               "fenced": {h: sum(1 for _, x in logs[h] if "op=fenced" in x) for h in HOSTS},
               "pauses": {h: [x.split("paused_ms=")[1].split()[0] for _, x in logs[h]
                              if "op=pause " in x] for h in HOSTS},
               "max_gc_pause_ms": peer.max_gc_pause_ms()}
        for fam in ("4", "6"):
            seg = analyse.segment(rec, fam, t0, t1)
            row["ipv" + fam] = {k: seg[k] for k in ("probes", "lost", "outage_ms", "owners",
                                                    "switches")}
        with open(args.out, "a") as f:
            f.write(json.dumps(row) + "\n")
        print(json.dumps(row), flush=True)
    finally:
        for p in procs:
            lab.stop_pid(p, signal.SIGKILL, 5)
        if peer:
            peer.stop_all()
        for p in procs:
            lab.stop_pid(p, signal.SIGKILL, 5)
        the_lab.destroy()
        print(f"soak: logs in {tmp}")


if __name__ == "__main__":
    main()
