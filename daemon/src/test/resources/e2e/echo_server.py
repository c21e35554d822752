#!/usr/bin/env python3
"""E2E lab service: answers with this host's name on TCP and UDP, IPv4 and IPv6.

usage: echo_server.py NAME PORT

TCP: accepts, writes "NAME\n", closes. UDP: replies "NAME <request>" from the address the request
was sent to (IP_PKTINFO / IPV6_PKTINFO with freebind, since a VIP with a local route only cannot
be bound on IPv6). The IPv4 and IPv6 sockets are separate (v6only) so each gets its own pktinfo.
"""
import select
import socket
import struct
import sys

IP_PKTINFO = 8
IP_FREEBIND = 15
IPV6_RECVPKTINFO = 49
IPV6_PKTINFO = 50
IPV6_FREEBIND = 78


def main():
    name, port = sys.argv[1], int(sys.argv[2])
    tcp = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    tcp.bind(("::", port))
    tcp.listen(128)
    udp4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp4.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
    udp4.setsockopt(socket.IPPROTO_IP, IP_FREEBIND, 1)
    udp4.bind(("0.0.0.0", port))
    udp6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    udp6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    udp6.setsockopt(socket.IPPROTO_IPV6, IPV6_RECVPKTINFO, 1)
    udp6.setsockopt(socket.IPPROTO_IPV6, IPV6_FREEBIND, 1)
    udp6.bind(("::", port))
    print("listening", name, port, flush=True)
    while True:
        ready, _, _ = select.select([tcp, udp4, udp6], [], [])
        for s in ready:
            if s is tcp:
                conn, _ = tcp.accept()
                try:
                    conn.sendall((name + "\n").encode())
                except OSError:
                    pass
                conn.close()
            else:
                answer(s, name)


def answer(s, name):
    data, anc, _, peer = s.recvmsg(2048, 256)
    reply = (name + " ").encode() + data
    cmsgs = []
    for level, kind, payload in anc:
        if level == socket.IPPROTO_IP and kind == IP_PKTINFO:
            # struct in_pktinfo { int ifindex; in_addr spec_dst; in_addr addr; }: reply from addr.
            dst = payload[8:12]
            cmsgs.append((socket.IPPROTO_IP, IP_PKTINFO, struct.pack("i", 0) + dst + bytes(4)))
        elif level == socket.IPPROTO_IPV6 and kind == IPV6_PKTINFO:
            # struct in6_pktinfo { in6_addr addr; int ifindex; }: reply from addr, any interface.
            cmsgs.append((socket.IPPROTO_IPV6, IPV6_PKTINFO, payload[:16] + struct.pack("i", 0)))
    try:
        s.sendmsg([reply], cmsgs, 0, peer)
    except OSError as e:
        print("reply failed:", e, flush=True)


if __name__ == "__main__":
    main()
