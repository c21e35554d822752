"""Asks the whole segment about many addresses at once, as a client does: one ARP request per
IPv4 target and one Neighbor Solicitation (to the target's solicited-node group) per IPv6 target,
sent from one interface through a raw AF_PACKET socket, and every answer collected.

usage: l2sweep.py IFACE SRC4|- SRC6|- TARGETS_FILE [ROUNDS] [WAIT_S]

TARGETS_FILE holds one address per line. A target that got no answer is asked again in the next
round (ROUNDS, default 3); every round listens WAIT_S seconds (default 0.5) after its last frame.
Prints one line per target: the address and the MACs that answered it, comma-separated and
sorted ("-" for none): the ARP reply's sender hardware address, or the NA's target link-layer
address option. Only answers to this sweep count: ARP replies addressed to SRC4, and solicited
NAs (S flag) to SRC6; gratuitous announcements do not. arping or ndisc6 take about a second per
address; this takes a few seconds for thousands.
"""

import ipaddress
import select
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
ETH_P_ARP = 0x0806
ETH_P_IPV6 = 0x86DD
SO_RCVBUFFORCE = 33
PACKET_OUTGOING = 4
BURST = 64  # frames sent between two reads: keeps every receive buffer on the path shallow


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def arp_request(mac, src4, target):
    eth = b"\xff" * 6 + mac + struct.pack("!H", ETH_P_ARP)
    arp = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + mac + src4 + b"\0" * 6 + target
    return (eth + arp).ljust(60, b"\0")


def neighbor_solicitation(mac, src6, target):
    group = bytes.fromhex("ff0200000000000000000001ff") + target[13:]
    icmp = struct.pack("!BBHI", 135, 0, 0, 0) + target + struct.pack("!BB", 1, 1) + mac
    pseudo = src6 + group + struct.pack("!I", len(icmp)) + b"\0\0\0" + bytes([58])
    icmp = icmp[:2] + struct.pack("!H", checksum(pseudo + icmp)) + icmp[4:]
    ip6 = struct.pack("!IHBB", 6 << 28, len(icmp), 58, 255) + src6 + group
    eth = b"\x33\x33" + group[12:] + mac + struct.pack("!H", ETH_P_IPV6)
    return eth + ip6 + icmp


def answer(frame, src4, src6):
    """(target bytes, answering MAC bytes) if the frame answers this sweep, else None."""
    kind = struct.unpack("!H", frame[12:14])[0]
    if kind == ETH_P_ARP and len(frame) >= 42:
        op = struct.unpack("!H", frame[20:22])[0]
        if op == 2 and src4 is not None and frame[38:42] == src4:
            return frame[28:32], frame[22:28]
    elif kind == ETH_P_IPV6 and len(frame) >= 78 and frame[20] == 58 and frame[54] == 136:
        if src6 is None or frame[38:54] != src6 or not frame[58] & 0x40:
            return None
        mac = frame[6:12]
        opts = frame[78:]
        while len(opts) >= 8 and opts[1]:
            if opts[0] == 2:
                mac = opts[2:8]
            opts = opts[opts[1] * 8:]
        return frame[62:78], mac
    return None


def main():
    iface, src4_text, src6_text, path = sys.argv[1:5]
    rounds = int(sys.argv[5]) if len(sys.argv) > 5 else 3
    wait_s = float(sys.argv[6]) if len(sys.argv) > 6 else 0.5
    src4 = None if src4_text == "-" else ipaddress.IPv4Address(src4_text).packed
    src6 = None if src6_text == "-" else ipaddress.IPv6Address(src6_text).packed
    with open(path) as f:
        texts = [line.strip() for line in f if line.strip()]
    targets = {ipaddress.ip_address(t).packed: t for t in texts}
    answers = {t: set() for t in targets}

    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    try:
        s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 32 << 20)
        s.bind((iface, 0))
        s.setblocking(False)
        mac = s.getsockname()[4]

        def read_until(deadline):
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                ready, _, _ = select.select([s], [], [], left)
                if not ready:
                    return
                while True:
                    try:
                        frame, addr = s.recvfrom(2048)
                    except BlockingIOError:
                        break
                    if addr[2] == PACKET_OUTGOING:
                        continue
                    got = answer(frame, src4, src6)
                    if got and got[0] in answers:
                        answers[got[0]].add(got[1])

        for _ in range(rounds):
            ask = [t for t, macs in answers.items() if not macs]
            if not ask:
                break
            for i, t in enumerate(ask):
                if len(t) == 4 and src4 is not None:
                    s.send(arp_request(mac, src4, t))
                elif len(t) == 16 and src6 is not None:
                    s.send(neighbor_solicitation(mac, src6, t))
                if i % BURST == BURST - 1:
                    read_until(time.monotonic() + 0.005)
            read_until(time.monotonic() + wait_s)
    finally:
        s.close()
    out = []
    for t, macs in answers.items():
        names = sorted(":".join(f"{b:02x}" for b in m) for m in macs)
        out.append(f"{targets[t]} {','.join(names) if names else '-'}")
    print("\n".join(out))


if __name__ == "__main__":
    main()
