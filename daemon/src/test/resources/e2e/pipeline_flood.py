"""A hostile HTTP client for the e2e tests: CONNS connections to HOST:PORT, each pipelining
"GET /metrics" and "GET /status" requests as fast as the server takes them, for SECONDS.
Most connections never read a byte (their receive buffer is shrunk to 4 KiB first, so the
server's responses back up at once); every eighth reads 512 bytes every 100 ms (a slow reader).
A connection the server closes or refuses is opened again. Prints one summary line at the end.

usage: pipeline_flood.py HOST PORT SECONDS [CONNS]
"""

import errno
import select
import socket
import sys
import time

REQUESTS = (b"GET /metrics HTTP/1.1\r\nHost: vipd\r\n\r\n"
            b"GET /status HTTP/1.1\r\nHost: vipd\r\n\r\n") * 32


def connect(host, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.setblocking(False)
    try:
        s.connect((host, port))
    except BlockingIOError:
        pass
    return s


def main():
    host, port, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    conns = int(sys.argv[4]) if len(sys.argv) > 4 else 80
    socks = [connect(host, port) for _ in range(conns)]
    sent = reopened = read = 0
    next_read = time.monotonic()
    next_report = time.monotonic() + 5
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        _, writable, _ = select.select([], socks, [], 0.05)
        for s in writable:
            try:
                sent += s.send(REQUESTS)
            except BlockingIOError:
                pass
            except OSError:
                i = socks.index(s)
                s.close()
                socks[i] = connect(host, port)
                reopened += 1
        if time.monotonic() >= next_read:
            next_read += 0.1
            for s in socks[::8]:
                try:
                    read += len(s.recv(512))
                except (BlockingIOError, InterruptedError):
                    pass
                except OSError as e:
                    if e.errno not in (errno.ENOTCONN,):
                        pass
        if time.monotonic() >= next_report:
            next_report += 5
            print(f"pipeline_flood: so far {sent} request bytes sent, {read} bytes read, "
                  f"{reopened} reopened", flush=True)
        time.sleep(0.001)
    for s in socks:
        s.close()
    print(f"pipeline_flood: {conns} connections, {sent} request bytes sent, {read} bytes read, "
          f"{reopened} reopened", flush=True)


if __name__ == "__main__":
    main()
