"""Start-to-ready: from starting the daemon to READY=1 and to answering for its VIPs.

The first host starts alone and owns both VIPs; the two others join it one after the other (a
joiner owns nothing: ownership is sticky, a healthy owner keeps its VIPs). vipd reports READY=1
through sd_notify; keepalived has no such message, so its "ready" is the first log line in which
each VRRP instance entered a state, seen by polling the log every 10 ms.
"""

import datetime
import os
import re
import socket
import time

import analyse
from lab import HOSTS, VIP4

LIMIT_S = 40


def wait_ready(peer, host, notify, t0):
    """Seconds from t0 until the host's daemon says it is ready, or None."""
    deadline = t0 + LIMIT_S
    if notify is not None:
        while time.time() < deadline:
            notify.settimeout(max(0.01, deadline - time.time()))
            try:
                msg = notify.recv(4096).decode(errors="replace")
            except socket.timeout:
                return None
            if "READY=1" in msg.split("\n"):
                return time.time() - t0
        return None
    while time.time() < deadline:
        if len(peer.states(host)) == 2:
            return time.time() - t0
        time.sleep(0.01)
    return None


def measure(bench, peer):
    rows = []
    p, path = bench.probe(f"{peer.name}-startup", 300)
    starts = {}
    running = []
    try:
        for i, host in enumerate(HOSTS):
            t0 = time.time()
            notify = peer.start(host)
            starts[host] = t0
            ready = wait_ready(peer, host, notify, t0)
            if notify is not None:
                notify.close()
            running.append(host)
            steady = bench.wait_steady(peer, running, LIMIT_S)
            t_steady = time.time() - t0
            rows.append({"type": "startup", "peer": peer.name, "kind": peer.kind, "host": host,
                         "role": "first" if i == 0 else "joiner",
                         "ready_ms": None if ready is None else round(ready * 1000),
                         "steady_ms": round(t_steady * 1000) if steady else None})
            time.sleep(1.0)
    finally:
        rec = bench.finish_probe(p, path)
    # (The prober's own "ready" line gives up after 5 s, sooner than a first host alone owns
    # anything at a cold start; the record says whether an answer ever came.)
    if not rec["replies"]:
        print("   startup: the client never got an answer")
    first = rows[0]
    replies = [t for f, _, t, h in rec["replies"] if f == "4" and h == HOSTS[0]]
    first["first_reply_ms"] = round((min(replies) - starts[HOSTS[0]]) * 1000) if replies else None
    if peer.kind == "vipd":
        day = datetime.date.fromtimestamp(starts[HOSTS[0]])
        events = analyse.log_events(peer.log_path(HOSTS[0]), day)
        acq = next((t for t, text in events if t >= starts[HOSTS[0]]
                    and re.search(rf"op=acquired vip={re.escape(VIP4)} ", text)), None)
        first["owned_ms"] = round((acq - starts[HOSTS[0]]) * 1000) if acq else None
        for row in rows[1:]:
            size = HOSTS.index(row["host"]) + 1
            seen = next((t for t, text in events if t >= starts[row["host"]]
                         and f"Members {{size:{size}" in text), None)
            row["joined_ms"] = round((seen - starts[row["host"]]) * 1000) if seen else None
    for row in rows:
        print(f"   start {row['host']} ({row['role']}): ready {row['ready_ms']} ms, steady "
              f"{row['steady_ms']} ms" + (f", first client reply {row['first_reply_ms']} ms"
                                          if 'first_reply_ms' in row else ""), flush=True)
    return rows
