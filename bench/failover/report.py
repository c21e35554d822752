"""The table of a results file (JSON lines written by failover.py)."""

import json
import statistics
from collections import Counter, defaultdict

PAIRS = {"vipd-default": "keepalived-v2", "vipd-fast": "keepalived-v3",
         "vipd-fastest": "keepalived-v3", "vipd-5x16": "keepalived-v3"}
ORDER = ["host-loss", "kill-9", "sigterm", "sigstop", "return-after-host-loss",
         "return-after-kill-9", "return-after-sigterm"]


def load(path, run=None):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                row = json.loads(line)
                if run is None or row.get("run") == run:
                    rows.append(row)
    return rows


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x, digits=0):
    return "-" if x is None else f"{x:,.{digits}f}"


def ratio(a, b):
    if a is None or b is None:
        return "-"
    if b == 0:
        return "0/0" if a == 0 else "inf"
    return f"{a / b:.2f}"


def table(rows):
    groups = defaultdict(list)
    for r in rows:
        if r.get("type") == "scenario" and "owner-differs" not in r["anomalies"]:
            groups[(r["scenario"], r["family"], r["peer"])].append(r)
    stats = {}
    for key, rs in groups.items():
        anomalies = Counter(a for r in rs for a in r["anomalies"])
        stats[key] = {
            "n": len(rs), "med": med([r["outage_ms"] for r in rs]),
            "max": max(r["outage_ms"] for r in rs),
            "lost_med": med([r["lost"] for r in rs]), "lost_max": max(r["lost"] for r in rs),
            "anomalies": ", ".join(f"{a} x{n}" for a, n in sorted(anomalies.items())),
        }
    return stats


def print_report(path, run=None):
    rows = load(path, run)
    stats = table(rows)
    peers = sorted({k[2] for k in stats}, key=lambda p: (not p.startswith("vipd"), p))
    print("\nclient outage (ms) and lost probes (5 ms apart), per scenario and daemon")
    head = f"{'scenario':24s} {'fam':5s} {'daemon':14s} {'n':>2s} {'median':>7s} {'max':>7s} " \
           f"{'lost med':>8s} {'max':>5s}  anomalies"
    print(head)
    print("-" * len(head))
    for scenario in ORDER:
        for fam in ("ipv4", "ipv6"):
            for peer in peers:
                s = stats.get((scenario, fam, peer))
                if s:
                    print(f"{scenario:24s} {fam:5s} {peer:14s} {s['n']:2d} {fmt(s['med']):>7s} "
                          f"{fmt(s['max']):>7s} {fmt(s['lost_med']):>8s} {s['lost_max']:5d}  "
                          f"{s['anomalies']}")
    print("\nratio vipd / keepalived (median outage; max outage)")
    for scenario in ORDER:
        for fam in ("ipv4", "ipv6"):
            cells = []
            for v, k in PAIRS.items():
                a, b = stats.get((scenario, fam, v)), stats.get((scenario, fam, k))
                if a and b:
                    cells.append(f"{v}/{k}: {ratio(a['med'], b['med'])}; "
                                 f"{ratio(a['max'], b['max'])}")
            if cells:
                print(f"{scenario:24s} {fam:5s} " + "   ".join(cells))
    print_breakdown(rows)
    print_startup(rows)
    print_costs(rows)


def print_costs(rows):
    cpu = defaultdict(list)
    gc = defaultdict(list)
    for r in rows:
        if r.get("type") == "cpu":
            cpu[r["peer"]].extend(r["cpu_pct"].values())
        elif r.get("type") == "gc" and r.get("max_pause_ms") is not None:
            gc[r["peer"]].append(r["max_pause_ms"])
    if cpu:
        print("\nidle cost per host: CPU (% of one core, median of hosts; max) and longest GC pause")
        for peer in sorted(cpu):
            pause = f", longest GC pause {max(gc[peer]):.1f} ms" if gc.get(peer) else ""
            print(f"{peer:14s} CPU {med(cpu[peer]):.2f} %; {max(cpu[peer]):.2f} %{pause}")


def print_breakdown(rows):
    marks = ["suspected", "member_removed", "assigned", "acquired", "bound", "announced",
             "client_saw_announcement", "client_reply"]
    groups = defaultdict(list)
    for r in rows:
        if r.get("type") == "scenario" and r.get("breakdown") \
                and "owner-differs" not in r["anomalies"]:
            groups[(r["peer"], r["scenario"], r["family"])].append(r["breakdown"])
    if not groups:
        return
    print("\nvipd: where the time goes (median ms after the fault, from the daemons' logs and the"
          " client's capture)")
    head = f"{'daemon':13s} {'scenario':9s} {'fam':4s} {'n':>2s} " + " ".join(
        f"{m[:10]:>10s}" for m in marks) + "  reason"
    print(head)
    print("-" * len(head))
    for (peer, scenario, fam), bs in sorted(groups.items()):
        reasons = Counter(b.get("reason") for b in bs)
        print(f"{peer:13s} {scenario:9s} {fam:4s} {len(bs):2d} " + " ".join(
            f"{fmt(med([b.get(m) for b in bs])):>10s}" for m in marks) + "  "
              + ",".join(f"{k}" for k in reasons))


def print_startup(rows):
    st = [r for r in rows if r.get("type") == "startup"]
    if not st:
        return
    print("\nstart-to-ready (ms after start; median over runs)")
    groups = defaultdict(list)
    for r in st:
        groups[(r["peer"], r["role"])].append(r)
    for (peer, role), rs in sorted(groups.items()):
        cells = [f"ready {fmt(med([r['ready_ms'] for r in rs]))}",
                 f"steady {fmt(med([r['steady_ms'] for r in rs]))}"]
        if role == "first":
            cells.append(f"first client reply {fmt(med([r.get('first_reply_ms') for r in rs]))}")
            if any("owned_ms" in r for r in rs):
                cells.append(f"owns VIPs {fmt(med([r.get('owned_ms') for r in rs]))}")
        elif any("joined_ms" in r for r in rs):
            cells.append(f"in the first host's view {fmt(med([r.get('joined_ms') for r in rs]))}")
        print(f"{peer:14s} {role:7s} n={len(rs):<3d} " + ", ".join(cells))
