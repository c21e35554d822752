"""Failover benchmark: vipd against keepalived, same lab, same client, same faults, one run.

Run through bench/failover/run (which builds the jar and checks root); see bench/README.md.
"""

import argparse
import datetime
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import analyse
import lab
import peers
import report
import startup
from lab import HOSTS, VIP4, VIP6

PORT = 7007
PROBE_MS = 5
SCENARIOS = ("host-loss", "kill-9", "sigterm", "sigstop")
PEERS = ("vipd-default", "vipd-fast", "vipd-fastest", "keepalived-v2", "keepalived-v3")


def make_peer(name, the_lab, tmp, jar):
    """A peer by name; LABEL=NAME runs NAME with results under LABEL (e.g. a trial jar)."""
    label, _, name = name.rpartition("=")
    label = label or name
    if name.startswith("vipd-"):
        return peers.Vipd(label, the_lab, tmp, jar, name[len("vipd-"):])
    if name == "keepalived-v2":
        return peers.Keepalived(label, the_lab, tmp, 2, 1)
    if name == "keepalived-v3":
        return peers.Keepalived(label, the_lab, tmp, 3, 0.1)
    raise SystemExit(f"unknown peer: {name} (expected: {', '.join(PEERS)})")


def cycle_s(peer):
    """One beacon or advertisement period: faults land at a random phase of it."""
    if peer.kind == "keepalived":
        return float(peer.advert_int)
    return {"default": 0.040, "fast": 0.015, "fastest": 0.005}.get(peer.profile, 0.040)


class Bench:
    def __init__(self, args, the_lab, tmp):
        self.args = args
        self.lab = the_lab
        self.tmp = tmp
        self.rng = random.Random(args.seed)
        self.out = open(args.out, "a")
        self.run_id = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")

    def write(self, row):
        row = {"run": self.run_id, **row}
        self.out.write(json.dumps(row) + "\n")
        self.out.flush()

    def probe(self, name, seconds=120):
        path = os.path.join(self.tmp, name + ".probe.json")
        p = subprocess.Popen(self.lab.exec_argv("client", sys.executable, here("probe.py"), path,
                                                str(seconds), VIP4, VIP6, str(PORT),
                                                str(PROBE_MS)),
                             stdout=subprocess.PIPE, text=True)
        return p, path

    def finish_probe(self, p, path):
        lab.stop_pid(p, signal.SIGTERM, 10)
        with open(path) as f:
            return json.load(f)

    def macs(self):
        """Distinct MACs that answer ARP for VIP4 and NS for VIP6, asked from the client."""
        a = subprocess.Popen(self.lab.exec_argv("client", "arping", "-b", "-c", "2", "-w", "1",
                                                "-I", "eth0", VIP4),
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        n = subprocess.Popen(self.lab.exec_argv("client", "ndisc6", "-m", "-r", "2", "-w", "400",
                                                VIP6, "eth0"),
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        out4, _ = a.communicate(timeout=10)
        out6, _ = n.communicate(timeout=10)
        return {"4": analyse.macs_in(out4), "6": analyse.macs_in(out6)}

    def wait_steady(self, peer, running, limit_s=60):
        deadline = time.time() + limit_s
        while time.time() < deadline:
            if peer.steady(running):
                return True
            time.sleep(0.3)
        return False

    def run_peer(self, name):
        peer = make_peer(name, self.lab, self.tmp, self.args.jar)
        try:
            print(f"\n== {name}", flush=True)
            for row in startup.measure(self, peer):
                self.write(row)
            if not self.wait_steady(peer, HOSTS):
                raise RuntimeError(f"{name}: the lab did not become steady")
            time.sleep(1)
            self.write(self.idle_cpu(peer))
            for rep in range(self.args.reps):
                for scenario in self.args.scenarios:
                    self.scenario(peer, scenario, rep)
            self.write({"type": "gc", "peer": peer.name, "kind": peer.kind,
                        "max_pause_ms": peer.max_gc_pause_ms()})
        finally:
            peer.stop_all()

    def idle_cpu(self, peer):
        """CPU of each host's daemon over a quiet window (3 members, nothing failing)."""
        window = 5.0 if self.args.quick else 10.0
        before = {h: peer.cpu_seconds(h) for h in HOSTS}
        t0 = time.time()
        time.sleep(window)
        dt = time.time() - t0
        pct = {h: round((peer.cpu_seconds(h) - before[h]) / dt * 100, 2) for h in HOSTS}
        print(f"   idle CPU per host (% of one core over {dt:.0f} s): {pct}", flush=True)
        return {"type": "cpu", "peer": peer.name, "kind": peer.kind, "window_s": round(dt, 1),
                "cpu_pct": pct}

    def scenario(self, peer, scenario, rep):
        p, path = self.probe(f"{peer.name}-{scenario}-{rep}")
        line = p.stdout.readline().split()
        time.sleep(0.3)
        if not line or line[0] != "ready":
            print(f"   {scenario} rep {rep}: the client gets no answers ({line}); skipped")
            self.finish_probe(p, path)
            self.recover(peer)
            return
        owner = line[1]  # the host that answers the IPv4 VIP
        offset = self.rng.uniform(0, cycle_s(peer))
        time.sleep(offset)
        t_fault = time.time()
        self.fault(peer, scenario, owner)
        t_cont = None
        if scenario == "sigstop":
            time.sleep(2.0)
            peer.signal(owner, signal.SIGCONT)
            t_cont = time.time()
        time.sleep(peer.fault_s)
        macs_fault = self.macs()
        t_return = time.time()
        if scenario != "sigstop":
            self.give_back(peer, scenario, owner)
            time.sleep(peer.return_s)
            macs_return = self.macs()
        t_end = time.time()
        probe_now = self.finish_probe(p, path)
        logs = {}
        if peer.kind == "vipd":
            day = datetime.date.fromtimestamp(t_fault)
            logs = {h: analyse.log_events(peer.log_path(h), day) for h in HOSTS}
        for fam in ("4", "6"):
            seg = analyse.segment(probe_now, fam, t_fault, t_return)
            row = {"type": "scenario", "peer": peer.name, "kind": peer.kind, "scenario": scenario,
                   "family": "ipv" + fam, "rep": rep, "offset_ms": round(offset * 1000, 1),
                   "failed": owner, **seg, "macs_end": macs_fault[fam],
                   "anomalies": analyse.anomalies(seg, macs_fault[fam])}
            if t_cont is not None:
                row["resumed_ms"] = round((t_cont - t_fault) * 1000, 1)
            if seg["owner_before"] != owner:
                row["anomalies"].append("owner-differs")  # this family's VIP lives elsewhere
            if peer.kind == "vipd":
                row["breakdown"] = analyse.breakdown(logs, probe_now, fam, owner, t_fault,
                                                     t_return)
            self.write(row)
            summary = f"{row['outage_ms']:7.1f} ms out, {row['lost']:3d} lost"
            if scenario != "sigstop":
                back = analyse.segment(probe_now, fam, t_return, t_end)
                brow = {"type": "scenario", "peer": peer.name, "kind": peer.kind,
                        "scenario": "return-after-" + scenario, "family": "ipv" + fam,
                        "rep": rep, "failed": owner, **back, "macs_end": macs_return[fam],
                        "anomalies": analyse.anomalies(back, macs_return[fam])}
                self.write(brow)
                summary += f"; return: {brow['lost']} lost {','.join(brow['anomalies']) or 'ok'}"
            print(f"   {scenario:9s} rep {rep} ipv{fam} {owner}: {summary} "
                  f"{','.join(row['anomalies'])}", flush=True)
        self.recover(peer)

    def fault(self, peer, scenario, host):
        if scenario == "host-loss":
            self.lab.port(host, False)
        elif scenario == "kill-9":
            peer.kill9(host)
        elif scenario == "sigterm":
            peer.signal(host, signal.SIGTERM)
        elif scenario == "sigstop":
            peer.signal(host, signal.SIGSTOP)

    def give_back(self, peer, scenario, host):
        if scenario == "host-loss":
            self.lab.port(host, True)
        elif scenario == "kill-9":
            peer.after_crash(host)
            peer.start(host)
        elif scenario == "sigterm":
            peer.procs[host].wait(timeout=30)
            peer.start(host)

    def recover(self, peer):
        if not self.wait_steady(peer, HOSTS, 60):
            print(f"   {peer.name}: not steady 60 s after the scenario; restarting it")
            peer.stop_all()
            for h in HOSTS:
                peer.start(h)
            if not self.wait_steady(peer, HOSTS, 90):
                raise RuntimeError(f"{peer.name}: the lab did not become steady again")
        time.sleep(1.0)


def here(name):
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), name)


def main():
    ap = argparse.ArgumentParser(prog="bench/failover/run")
    ap.add_argument("--reps", type=int, default=3, help="repetitions of each scenario (3)")
    ap.add_argument("--quick", action="store_true", help="one repetition of each scenario")
    ap.add_argument("--peers", default=",".join(PEERS), help="comma list (all)")
    ap.add_argument("--scenarios", default=",".join(SCENARIOS), help="comma list (all)")
    ap.add_argument("--out", default="bench/failover/results.jsonl", help="JSON lines, appended")
    ap.add_argument("--jar", default="daemon/target/vipd.jar")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--report", action="store_true", help="only print the table of --out")
    ap.add_argument("--keep", action="store_true", help="keep the logs' temp dir")
    args = ap.parse_args()
    if args.report:
        report.print_report(args.out)
        return
    args.peers = [x for x in args.peers.split(",") if x]
    args.scenarios = [x for x in args.scenarios.split(",") if x]
    for s in args.scenarios:
        if s not in SCENARIOS:
            raise SystemExit(f"unknown scenario: {s} (expected: {', '.join(SCENARIOS)})")
    if args.quick:
        args.reps = 1
    args.jar = os.path.abspath(args.jar)
    tmp = tempfile.mkdtemp(prefix=f"vipd-bf-{os.getpid()}-")
    the_lab = lab.Lab()
    echo = []
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    ok = False
    try:
        the_lab.build()
        for h in HOSTS:
            echo.append(subprocess.Popen(the_lab.exec_argv(h, sys.executable, here("echo.py"), h,
                                                           str(PORT))))
        bench = Bench(args, the_lab, tmp)
        print(f"bench: lab {the_lab.prefix}*, logs in {tmp}, results appended to {args.out}")
        for name in args.peers:
            bench.run_peer(name)
        bench.out.close()
        ok = True
        report.print_report(args.out, run=bench.run_id)
    finally:
        for e in echo:
            lab.stop_pid(e, signal.SIGTERM, 5)
        the_lab.destroy()
        if ok and not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"bench: logs kept in {tmp}")


if __name__ == "__main__":
    main()
