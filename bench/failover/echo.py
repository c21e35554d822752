"""UDP echo service run on each lab host: the client's probes land here through the VIP.

It answers from the address the probe was sent to (IP_PKTINFO / IPV6_PKTINFO), as a service bound
to the VIP would, and appends the host's name so the client knows which host answered.

    python3 echo.py NAME PORT
"""

import select
import signal
import socket
import struct
import sys

IP_PKTINFO = 8  # <linux/in.h>; Python 3.11 has no constant for it
IPV6_RECVPKTINFO = 49
IPV6_PKTINFO = 50
IPV6_FREEBIND = 78  # a VIP that is only a local route is no "local address" for IPV6_PKTINFO


def main():
    name = sys.argv[1].encode()
    port = int(sys.argv[2])
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s4.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
    s4.bind(("0.0.0.0", port))
    s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s6.setsockopt(socket.IPPROTO_IPV6, IPV6_RECVPKTINFO, 1)
    s6.setsockopt(socket.IPPROTO_IPV6, IPV6_FREEBIND, 1)
    s6.bind(("::", port))
    space = socket.CMSG_SPACE(32)
    while True:
        ready, _, _ = select.select([s4, s6], [], [])
        for s in ready:
            try:
                answer(s, name, *s.recvmsg(512, space))
            except OSError as e:  # one bad datagram must not end the service
                print(f"echo {name.decode()}: {e}", file=sys.stderr)


def answer(s, name, data, anc, _flags, peer):
    reply = data + b" " + name
    for level, kind, value in anc:
        if s.family == socket.AF_INET and level == socket.IPPROTO_IP and kind == IP_PKTINFO:
            dst = value[8:12]  # struct in_pktinfo: ifindex, spec_dst, addr
            info = struct.pack("i4s4s", 0, dst, b"\0" * 4)
            s.sendmsg([reply], [(socket.IPPROTO_IP, IP_PKTINFO, info)], 0, peer)
            return
        if s.family == socket.AF_INET6 and level == socket.IPPROTO_IPV6 and kind == IPV6_PKTINFO:
            info = struct.pack("16si", value[:16], 0)  # struct in6_pktinfo
            s.sendmsg([reply], [(socket.IPPROTO_IPV6, IPV6_PKTINFO, info)], 0, peer)
            return


if __name__ == "__main__":
    main()
