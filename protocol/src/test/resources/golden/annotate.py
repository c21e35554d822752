#!/usr/bin/env python3
"""Turns the first frame of a pcap file into an annotated golden hex file.

Usage: annotate.py PCAP OUT.hex "header line" ["header line" ...]
One output line per protocol field, "hex  # field"; '#' starts a comment in the fixture format.
"""
import struct
import sys


def first_frame(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    if linktype != 1:
        raise SystemExit(f"{path}: link type {linktype} (expected: 1, Ethernet)")
    if len(data) < 40:
        raise SystemExit(f"{path}: no frame captured")
    _, _, incl, _ = struct.unpack(endian + "IIII", data[24:40])
    return data[40:40 + incl]


def fields(frame):
    out = [(0, 6, "ethernet destination"), (6, 6, "ethernet source"), (12, 2, "ethertype")]
    ethertype = int.from_bytes(frame[12:14], "big")
    if ethertype == 0x0806:
        out += [(14, 2, "hardware type"), (16, 2, "protocol type"), (18, 1, "hardware length"),
                (19, 1, "protocol length"), (20, 2, "operation"), (22, 6, "sender MAC"),
                (28, 4, "sender IPv4"), (32, 6, "target MAC"), (38, 4, "target IPv4")]
        end = 42
    else:
        out += [(14, 4, "version 6, traffic class, flow label"), (18, 2, "payload length"),
                (20, 1, "next header (58 = ICMPv6)"), (21, 1, "hop limit"), (22, 16, "IPv6 source"),
                (38, 16, "IPv6 destination"), (54, 1, "ICMPv6 type"), (55, 1, "ICMPv6 code"),
                (56, 2, "ICMPv6 checksum"), (58, 4, "flags (R S O) and reserved"),
                (62, 16, "target address")]
        end = 54 + int.from_bytes(frame[18:20], "big")
        offset = 78
        while offset + 2 <= end:
            length = frame[offset + 1] * 8
            if length == 0:
                break
            kind = {1: "source link-layer address", 2: "target link-layer address"}.get(
                frame[offset], "option")
            out += [(offset, 2, f"option type {frame[offset]}, length {frame[offset + 1]} x 8"),
                    (offset + 2, length - 2, kind)]
            offset += length
    if len(frame) > end:
        out.append((end, len(frame) - end, "Ethernet padding"))
    return out


def main():
    pcap, target, headers = sys.argv[1], sys.argv[2], sys.argv[3:]
    frame = first_frame(pcap)
    with open(target, "w") as f:
        for h in headers:
            f.write(f"# {h}\n")
        f.write(f"# {len(frame)} bytes\n")
        for offset, length, name in fields(frame):
            f.write(f"{frame[offset:offset + length].hex():<34} # {name}\n")


main()
