"""Turns one prober record and the daemons' logs into the figures of one scenario."""

import datetime
import re
import statistics

import lab

TAIL_S = 0.1  # probes sent this close to a segment's end may still be in flight


def answers(probe, fam):
    """{seq: (send time, reply time or None, host or None)} for one family."""
    sends = probe["sends"][fam]
    got = {}
    for f, seq, t, host in probe["replies"]:
        if f == fam and seq not in got:
            got[seq] = (t, host)
    return [(s, *got.get(i, (None, None))) for i, s in enumerate(sends)]


def owner_before(rows, t):
    """The host that answered the last answered probe sent before t."""
    owner = None
    for sent, _, host in rows:
        if sent >= t:
            break
        if host:
            owner = host
    return owner


def segment(probe, fam, a, b):
    """Figures for the probes of one family sent in [a, b)."""
    rows = answers(probe, fam)
    before = owner_before(rows, a)
    seg = [r for r in rows if a <= r[0] < b - TAIL_S]
    lost = sum(1 for r in seg if r[2] is None)
    outage, run_start, recovered = 0.0, None, True
    for sent, _, host in seg:
        if host is None:
            if run_start is None:
                run_start = sent
        elif run_start is not None:
            outage = max(outage, sent - run_start)
            run_start = None
    if run_start is not None:  # still lost at the end of the segment
        outage = max(outage, b - run_start)
        recovered = False
    hosts = [before] if before else []
    for _, _, host in seg:
        if host and (not hosts or hosts[-1] != host):
            hosts.append(host)
    moved_back = any(h in hosts[:i - 1] for i, h in enumerate(hosts) if i >= 2)
    first_other = next((t for s, t, h in seg if h and h != before), None)
    return {
        "probes": len(seg), "lost": lost, "outage_ms": round(outage * 1000, 1),
        "recovered": recovered, "owner_before": before, "owners": hosts,
        "switches": max(0, len(hosts) - 1), "moved_back": moved_back,
        "new_owner_reply_ms": None if first_other is None else round((first_other - a) * 1000, 1),
    }


def macs_in(arping_out):
    return sorted(set(re.findall(r"(?:\[|address: )([0-9a-f]{2}(?::[0-9a-f]{2}){5})",
                                 arping_out.lower())))


def anomalies(seg, macs_end):
    out = []
    if len(macs_end) > 1:
        out.append("two-macs")
    if not seg["recovered"]:
        out.append("no-recovery")
    if seg["switches"] > 1:
        out.append("switches>1")
    if seg["moved_back"]:
        out.append("moved-back")
    return out


# --- vipd's logs -------------------------------------------------------------------------------

LINE = re.compile(r"^(\d\d):(\d\d):(\d\d)\.(\d{3}) (.*)$")


def log_events(path, day):
    """[(epoch seconds, text)] of a vipd log whose lines start with HH:mm:ss.SSS (local time)."""
    out = []
    try:
        with open(path, errors="replace") as f:
            for line in f:
                m = LINE.match(line)
                if m:
                    h, mi, s, ms = (int(x) for x in m.groups()[:4])
                    t = datetime.datetime.combine(day, datetime.time(h, mi, s, ms * 1000))
                    out.append((t.timestamp(), m.group(5)))
                elif out and line.strip():  # Hazelcast's member list spans several lines
                    out[-1] = (out[-1][0], out[-1][1] + " " + line.strip())
    except OSError:
        pass
    return out


def breakdown(logs, probe, fam, owner, t_fault, until):
    """Milestones (ms after the fault) from the survivors' logs and the client's capture.

    logs: {host: [(t, text)]}. Returns None when no survivor took the VIP over.
    """
    vip = lab.VIP4 if fam == "4" else lab.VIP6

    def first(pattern, hosts):
        best = None
        for host in hosts:
            for t, text in logs.get(host, []):
                if t_fault - 0.002 <= t <= until and re.search(pattern, text):
                    if best is None or t < best[0]:
                        best = (t, host, text)
                    break
        return best

    others = [h for h in lab.HOSTS if h != owner]
    assign = first(rf"op=assign vip={re.escape(vip)} .*to=(?!{owner}\b)", others)
    if assign is None:
        return None
    new = re.search(r"to=(\S+)", assign[2]).group(1)
    reason = re.search(r"reason=(\S+)", assign[2])
    marks = {
        "suspected": first(rf"op=peer-suspected node={owner}\b", others),
        "member_removed": first(r"Members \{size:2", others),
        "assigned": assign,
        "acquired": first(rf"op=acquired vip={re.escape(vip)} ", [new]),
        "bound": first(rf"op=bind mode=\S+ vip={re.escape(vip)}\b", [new]),
        "announced": first(rf"op=takeover vip={re.escape(vip)} ", [new]),
    }
    out = {k: (None if v is None else round((v[0] - t_fault) * 1000, 1)) for k, v in marks.items()}
    mac = lab.HOST_MAC[new]
    kinds = ("garp",) if fam == "4" else ("na-unsolicited",)
    garp = next((t for t, kind, m in probe["l2"] if t >= t_fault and m == mac and kind in kinds),
                None)
    out["client_saw_announcement"] = None if garp is None else round((garp - t_fault) * 1000, 1)
    rows = answers(probe, fam)
    reply = next((t for s, t, h in rows if h == new and t and t >= t_fault), None)
    out["client_reply"] = None if reply is None else round((reply - t_fault) * 1000, 1)
    out["new_owner"] = new
    out["reason"] = reason.group(1) if reason else None
    return out


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None
