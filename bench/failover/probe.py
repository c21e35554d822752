"""The client: probes the IPv4 and the IPv6 VIP over UDP every few milliseconds.

Each probe carries its family and sequence number; the echo service on the host that receives it
appends its name, so every reply says which host answered. Connected sockets: a reply counts only
when it comes from the VIP itself. A packet socket on eth0 records every ARP frame sent from the
IPv4 VIP and every Neighbor Advertisement for the IPv6 VIP (time, sender MAC, kind), which shows
when the first announcement of a new owner reached the client.

    python3 probe.py OUT.json SECONDS VIP4 VIP6 PORT INTERVAL_MS

Prints "ready HOST4 HOST6" (who answers each VIP) once both VIPs answered (or "noreply" after 5 s), writes OUT.json at the end
(or on SIGTERM) and exits.
"""

import ipaddress
import json
import select
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003


def mac_text(b):
    return ":".join(f"{x:02x}" for x in b)


class Stop(Exception):
    pass


def main():
    out, seconds, vip4, vip6, port, interval_ms = sys.argv[1:7]
    seconds, port, interval = float(seconds), int(port), float(interval_ms) / 1000
    vip4_b = socket.inet_aton(vip4)
    vip6_b = ipaddress.IPv6Address(vip6).packed

    def on_term(*_):
        raise Stop()

    signal.signal(signal.SIGTERM, on_term)
    socks = {}
    for fam, af, vip in (("4", socket.AF_INET, vip4), ("6", socket.AF_INET6, vip6)):
        s = socket.socket(af, socket.SOCK_DGRAM)
        s.setblocking(False)
        s.connect((vip, port))
        socks[fam] = s
    raw = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    raw.bind(("eth0", 0))
    raw.setblocking(False)
    by_fd = {s.fileno(): fam for fam, s in socks.items()}
    sends = {"4": [], "6": []}
    replies = []  # [family, seq, receive time, host]
    l2 = []  # [time, kind, sender mac]
    answered = {"4": False, "6": False}
    ready_said = False
    start = time.time()
    end = start + seconds
    i = 0
    try:
        while True:
            now = time.time()
            if now >= end:
                break
            due = start + i * interval
            if now >= due:
                for fam, s in socks.items():
                    sends[fam].append(now)
                    try:
                        s.send(f"{fam} {i}".encode())
                    except OSError:
                        pass  # no neighbour yet, or an ICMP error from an earlier probe
                i += 1
                continue
            ready, _, _ = select.select([raw, *socks.values()], [], [], due - now)
            t = time.time()
            for s in ready:
                if s is raw:
                    drain_raw(raw, t, vip4_b, vip6_b, l2)
                    continue
                while True:
                    try:
                        data = s.recv(256)
                    except BlockingIOError:
                        break
                    except OSError:
                        continue  # ECONNREFUSED from an ICMP port unreachable: read on
                    parts = data.decode(errors="replace").split()
                    if len(parts) == 3:
                        replies.append([parts[0], int(parts[1]), t, parts[2]])
                        answered[parts[0]] = True
            if not ready_said and (all(answered.values()) or t - start > 5):
                last = {f: h for f, _, _, h in replies}
                print(f"ready {last.get('4')} {last.get('6')}" if all(answered.values())
                      else "noreply", flush=True)
                ready_said = True
    except Stop:
        pass
    with open(out, "w") as f:
        json.dump({"start": start, "interval": interval, "sends": sends, "replies": replies,
                   "l2": l2}, f)


def drain_raw(raw, t, vip4_b, vip6_b, l2):
    while True:
        try:
            frame, addr = raw.recvfrom(2048)
        except BlockingIOError:
            return
        if addr[2] == socket.PACKET_OUTGOING or len(frame) < 14:
            continue
        kind = struct.unpack("!H", frame[12:14])[0]
        if kind == 0x0806 and len(frame) >= 42 and frame[28:32] == vip4_b:
            op = struct.unpack("!H", frame[20:22])[0]
            garp = frame[38:42] == vip4_b
            l2.append([t, "garp" if garp else ("arp-reply" if op == 2 else "arp-request"),
                       mac_text(frame[22:28])])
        elif kind == 0x86DD and len(frame) >= 78 and frame[20] == 58 and frame[54] == 136 \
                and frame[62:78] == vip6_b:
            solicited = bool(frame[58] & 0x40)
            l2.append([t, "na-solicited" if solicited else "na-unsolicited",
                       mac_text(frame[6:12])])


if __name__ == "__main__":
    main()
