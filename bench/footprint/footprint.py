"""Idle footprint: one vipd node with 100 VIPs next to keepalived with the same 100 VIPs.

Each daemon runs alone on host h1 of the failover lab (bench/failover/lab.py: namespaces
vipd-bf-<pid>-*, documentation addresses only, nothing in the root namespace), its peers down.
vipd starts the way bench/failover starts it: through the shipped launcher with its JVM flags.
After a settle period the script samples the daemon's RSS (every process of it, from
/proc/PID/status) and its CPU time (utime + stime) over a window, then prints both and the ratio
vipd / keepalived. Run as root: python3 bench/footprint/footprint.py [--window 60] [--settle 20].
"""

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "failover"))
import lab  # noqa: E402
import peers  # noqa: E402
from lab import HOST_IP4  # noqa: E402

VIPS = [f"198.51.100.{i}" for i in range(100, 200)]


def rss_kib(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


class OneVipd(peers.Vipd):
    """vipd on h1 only, 100 VIPs in one pool; h2 and h3 are listed as peers but never start."""

    def __init__(self, the_lab, tmp, jar):
        super().__init__("vipd", the_lab, tmp, jar, "default")
        key = os.path.join(tmp, "cluster.key")
        addresses = ", ".join(f'"{v}"' for v in VIPS)
        peer_list = ", ".join(f'"{a}"' for a in HOST_IP4.values())
        with open(self.conf("h1"), "w") as f:
            f.write(f"""vipd {{
  node {{ name = "h1" }}
  cluster {{ name = "footprint", bind = "{HOST_IP4['h1']}", peers = [{peer_list}],
            secret-file = "{key}" }}
  pools = [ {{ name = "idle", interface = "eth0", addresses = [{addresses}] }} ]
  http {{ listen = "{HOST_IP4['h1']}:9476" }}
  control-socket = "{tmp}/vipd-h1.sock"
  drain-state-file = "{tmp}/vipd-h1.drained"
}}
""")

    def ready(self):
        st = self.status("h1")
        if not st:
            return False
        owned = [v for p in st.get("pools", []) for v in p["vips"] if v.get("owner") == "h1"]
        return len(owned) == len(VIPS)


class OneKeepalived(peers.Keepalived):
    """keepalived on h1 only, the 100 VIPs on one VRRP instance, MASTER."""

    def __init__(self, the_lab, tmp):
        super().__init__("keepalived", the_lab, tmp, 2, 1)
        lines = "\n".join(f"    {v}/24" for v in VIPS)
        with open(self.conf("h1"), "w") as f:
            f.write(f"""global_defs {{
  router_id h1
}}
vrrp_instance V4 {{
  state MASTER
  interface eth0
  virtual_router_id 51
  priority 150
  advert_int 1
  virtual_ipaddress {{
{lines}
  }}
}}
""")

    def ready(self):
        out = self.lab.run("h1", "ip", "-4", "addr", "show", "dev", "eth0", check=False)
        return sum(1 for v in VIPS if f" {v}/24 " in out) == len(VIPS)


def measure(peer, settle_s, window_s):
    notify = peer.start("h1")
    if notify is not None:
        notify.close()  # sd_notify is not measured here
    try:
        deadline = time.monotonic() + 90
        while not peer.ready():
            if time.monotonic() > deadline or not peer.pids("h1"):
                raise RuntimeError(f"{peer.kind} did not take its {len(VIPS)} VIPs within 90 s")
            time.sleep(0.5)
        time.sleep(settle_s)
        cpu0, t0 = peer.cpu_seconds("h1"), time.monotonic()
        samples = []
        while time.monotonic() - t0 < window_s:
            samples.append(rss_kib(peer.pids("h1")))
            time.sleep(1)
        cpu = peer.cpu_seconds("h1") - cpu0
        elapsed = time.monotonic() - t0
        return {"rss_mib": max(samples) / 1024, "cpu_pct": 100 * cpu / elapsed}
    finally:
        peer.terminate("h1")


def main():
    ap = argparse.ArgumentParser(prog="bench/footprint/footprint.py")
    ap.add_argument("--jar", default="daemon/target/vipd.jar")
    ap.add_argument("--settle", type=float, default=20, help="seconds after taking the VIPs")
    ap.add_argument("--window", type=float, default=60, help="seconds sampled")
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("bench/footprint: needs root (network namespaces)")
    jar = os.path.abspath(args.jar)
    if not os.path.exists(jar):
        sys.exit(f"bench/footprint: {jar} missing: ./mvnw -B -q -DskipTests -pl daemon -am package")
    the_lab = lab.Lab()
    results = {}
    with tempfile.TemporaryDirectory(prefix="vipd-footprint-") as tmp:
        try:
            the_lab.build()
            for peer in (OneVipd(the_lab, tmp, jar), OneKeepalived(the_lab, tmp)):
                results[peer.kind] = measure(peer, args.settle, args.window)
                r = results[peer.kind]
                print(f"{peer.kind:<11} {len(VIPS)} VIPs, idle {args.window:.0f} s: "
                      f"RSS {r['rss_mib']:.1f} MiB, CPU {r['cpu_pct']:.2f} % of a core", flush=True)
        finally:
            the_lab.destroy()
    v, k = results["vipd"], results["keepalived"]
    cpu_ratio = (f"{v['cpu_pct'] / k['cpu_pct']:.0f}x" if k["cpu_pct"] >= 0.01
                 else f"n/a (keepalived below 0.01 % of a core; vipd {v['cpu_pct']:.2f} %)")
    print(f"ratio vipd/keepalived: RSS {v['rss_mib'] / k['rss_mib']:.1f}x, CPU {cpu_ratio} "
          f"(vipd through the shipped launcher (bench/failover/peers.py), extra JVM options: "
          f"{' '.join(peers.JAVA_OPTS) or 'none'})")

if __name__ == "__main__":
    main()
