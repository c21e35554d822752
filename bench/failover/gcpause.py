"""The longest GC pause (and JVM safepoint stall) of vipd holding 10,000 VIPs, per JVM flag set.

    sudo python3 bench/failover/gcpause.py [--seconds 180] [--vips 10000] [--profile fastest]
                                           [--opts NAME=JVM-OPTIONS ...] [--out FILE]

In the failover lab (lab.py), two hosts run vipd with one pool of --vips IPv6 VIPs
(2001:db8:1:N::/118 blocks; documentation space). h1 starts alone and takes every VIP; h2 joins.
Then, until --seconds have passed, the owner is stopped with SIGTERM (it hands all the VIPs
over, the other host acquires, binds and announces them) and started again: the busiest thing
vipd does, repeated. Each flag set (added after the launcher's defaults; NAME= alone is the
shipped flags) runs the same sequence. From -Xlog:gc,safepoint of both hosts it reports the
longest GC pause, the longest safepoint (time to reach it plus time at it: what really stalls
the beacon threads), the pauses over 10 ms, and the peer suspicions the daemons logged.
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

import lab
import peers
import startup

HOSTS = ("h1", "h2")
PAUSE = re.compile(r"^\[([0-9.]+)s\] GC\(\d+\) (Pause .*?) ([0-9.]+)ms$")
SAFEPOINT = re.compile(r"^\[([0-9.]+)s\] Safepoint \"(\w+)\".*Reaching safepoint: (\d+) ns, "
                       r".*At safepoint: (\d+) ns, Total: (\d+) ns$")


def vip_blocks(n):
    """Entries of at most 1,000 addresses each (the config's per-entry limit is 1,024)."""
    out, block = [], 1
    while n > 0:
        k = min(1000, n)
        out.append(f"2001:db8:1:{block:x}::1-2001:db8:1:{block:x}::{k:x}")
        n -= k
        block += 1
    return out


def write_conf(peer, host, tmp, n):
    addresses = ", ".join(f'"{a}"' for a in vip_blocks(n))
    allp = ", ".join(f'"{lab.HOST_IP4[h]}"' for h in HOSTS)
    with open(peer.conf(host), "w") as f:
        f.write(f"""vipd {{
  node {{ name = "{host}" }}
  cluster {{ name = "gc", bind = "{lab.HOST_IP4[host]}", peers = [{allp}],
            secret-file = "{tmp}/cluster.key", failure-detection = {peer.profile} }}
  pools = [ {{ name = "many", interface = "eth0", addresses = [{addresses}] }} ]
  http {{ listen = "{lab.HOST_IP4[host]}:9476" }}
  control-socket = "{tmp}/{peer.name}-{host}.sock"
  drain-state-file = "{tmp}/{peer.name}-{host}.drained"
}}
""")


def log_size(peer, host):
    try:
        return os.path.getsize(peer.log_path(host))
    except OSError:
        return 0


def acquired_since(peer, host, offset):
    """VIPs the host logged as acquired after byte offset of its log (not /status: rendering
    10,000 VIPs as JSON every poll would itself load the JVM being measured)."""
    with open(peer.log_path(host), errors="replace") as f:
        f.seek(offset)
        return sum(1 for line in f if "op=acquired vip=" in line)


def wait_owned(peer, host, n, offset, limit_s=240):
    """Seconds until the host acquired n VIPs after offset, or None after limit_s."""
    t0 = time.time()
    while time.time() - t0 < limit_s:
        if acquired_since(peer, host, offset) >= n:
            return round(time.time() - t0, 1)
        time.sleep(1.0)
    return None


def start(peer, host):
    t0 = time.time()
    s = peer.start(host)
    startup.wait_ready(peer, host, s, t0)
    s.close()


def gc_figures(path):
    pauses, safepoints = [], []
    for name in sorted(os.listdir(os.path.dirname(path))):
        if not name.startswith(os.path.basename(path)):
            continue
        with open(os.path.join(os.path.dirname(path), name)) as f:
            for line in f:
                line = line.strip()
                m = PAUSE.match(line)
                if m:
                    pauses.append((float(m.group(3)), float(m.group(1)), m.group(2)))
                m = SAFEPOINT.match(line)
                if m:
                    safepoints.append((int(m.group(5)) / 1e6, float(m.group(1)), m.group(2)))
    return pauses, safepoints


def run_set(name, opts, args, the_lab, tmp, write):
    peer = peers.Vipd(f"gc-{name}", the_lab, tmp, os.path.abspath(args.jar), args.profile,
                      opts.split())
    for h in HOSTS:
        write_conf(peer, h, tmp, args.vips)
    t_begin = time.time()
    try:
        off = log_size(peer, "h1")
        start(peer, "h1")
        took = [wait_owned(peer, "h1", args.vips, off)]
        print(f"  {name}: h1 acquired {args.vips} VIPs in {took[0]} s after READY", flush=True)
        start(peer, "h2")
        owner, other, moves = "h1", "h2", 0
        while time.time() - t_begin < args.seconds:
            time.sleep(10)
            off = log_size(peer, other)
            peer.terminate(owner, 120)  # SIGTERM: hands every VIP over first
            took.append(wait_owned(peer, other, args.vips, off))
            moves += 1
            print(f"  {name}: {other} took {args.vips} VIPs in {took[-1]} s", flush=True)
            if time.time() - t_begin >= args.seconds:
                break
            start(peer, owner)
            owner, other = other, owner
        rss = {h: rss_mib(peer, h) for h in HOSTS}
        cpu = {h: round(peer.cpu_seconds(h), 1) for h in HOSTS}
    finally:
        peer.stop_all()
    pauses, safepoints = [], []
    suspicions = 0
    for h in HOSTS:
        p, s = gc_figures(os.path.join(tmp, f"{peer.name}-{h}.gc.log"))
        pauses += p
        safepoints += s
        with open(peer.log_path(h), errors="replace") as f:
            suspicions += sum(1 for line in f if "op=peer-suspected" in line)
    steady = [p for p in pauses if p[1] > 10.0]  # after the first 10 s of a JVM: not start-up
    row = {"type": "gcpause", "opts": name, "jvm_opts": opts, "profile": args.profile,
           "vips": args.vips, "seconds": round(time.time() - t_begin), "moves": moves,
           "acquire_all_s": took,
           "gc_pauses": len(pauses), "max_pause_ms": max((p[0] for p in pauses), default=None),
           "max_pause": max(pauses, default=None),
           "max_pause_after_10s_ms": max((p[0] for p in steady), default=None),
           "pauses_over_10ms": sum(1 for p in pauses if p[0] > 10),
           "max_safepoint_ms": round(max((s[0] for s in safepoints), default=0), 2),
           "max_safepoint": max(safepoints, default=None),
           "peer_suspicions": suspicions, "rss_mib_end": rss, "cpu_s_end": cpu,
           "loadavg": os.getloadavg()}
    write(row)


def rss_mib(peer, host):
    for pid in peer.pids(host):
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return round(int(line.split()[1]) / 1024)
        except OSError:
            pass
    return None


def main():
    ap = argparse.ArgumentParser(prog="gcpause.py")
    ap.add_argument("--seconds", type=int, default=120, help="at least one hand-over (120)")
    ap.add_argument("--vips", type=int, default=10000)
    ap.add_argument("--profile", default="fastest")
    ap.add_argument("--opts", action="append", default=None)
    ap.add_argument("--jar", default="daemon/target/vipd.jar")
    ap.add_argument("--out", default="bench/failover/gcpause.jsonl")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    opt_sets = [o.partition("=")[::2] for o in (args.opts or ["shipped="])]
    tmp = tempfile.mkdtemp(prefix=f"vipd-bf-{os.getpid()}-")
    with open(os.path.join(tmp, "cluster.key"), "w") as f:
        f.write(os.urandom(32).hex() + "\n")
    os.chmod(os.path.join(tmp, "cluster.key"), 0o600)
    the_lab = lab.Lab()
    run = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with open(args.out, "a") as out:
        def write(row):
            row = {"run": run, **row}
            out.write(json.dumps(row) + "\n")
            out.flush()
            print(json.dumps(row), flush=True)
        try:
            the_lab.build()
            for name, opts in opt_sets:
                run_set(name, opts, args, the_lab, tmp, write)
        finally:
            the_lab.destroy()
            if not args.keep:
                shutil.rmtree(tmp, ignore_errors=True)
            else:
                print(f"logs kept in {tmp}")


if __name__ == "__main__":
    main()
