package dev.vipd.protocol.raw;

import java.nio.ByteBuffer;

/** Hand-built Ethernet frames for filter and socket tests. */
final class TestFrames {
  static final byte[] MAC_A = {0x02, 0, 0, 0, 0, 0x0a};
  static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};

  private TestFrames() {}

  /** An ARP request or reply (opcode 1 or 2) for IPv4 over Ethernet. */
  static byte[] arp(int opcode, int senderIp, int targetIp) {
    ByteBuffer b = ByteBuffer.allocate(42);
    b.put(BROADCAST).put(MAC_A).putShort((short) 0x0806); // destination, source, EtherType
    b.putShort((short) 1); // hardware type: Ethernet
    b.putShort((short) 0x0800); // protocol type: IPv4
    b.put((byte) 6).put((byte) 4); // hardware and protocol address lengths
    b.putShort((short) opcode);
    b.put(MAC_A).putInt(senderIp); // sender MAC, sender IP (offset 28)
    b.put(new byte[6]).putInt(targetIp); // target MAC, target IP (offset 38)
    return b.array();
  }

  /** An IPv6 packet carrying an ICMPv6 message with a 16-byte target (NS/NA layout). */
  static byte[] icmpv6(int hopLimit, int type, byte[] target) {
    ByteBuffer b = ByteBuffer.allocate(14 + 40 + 24);
    b.put(new byte[] {0x33, 0x33, -1, 0, 0, 1}).put(MAC_A).putShort((short) 0x86dd);
    b.putInt(0x60000000); // version 6, traffic class 0, flow label 0
    b.putShort((short) 24); // payload length
    b.put((byte) 58).put((byte) hopLimit); // next header ICMPv6 (offset 20), hop limit (21)
    b.put(new byte[16]).put(new byte[16]); // source, destination (left zero)
    b.put((byte) type).put((byte) 0).putShort((short) 0).putInt(0); // type (offset 54), code...
    b.put(target); // target address, low 32 bits at offset 74
    return b.array();
  }

  /** 2001:db8::{last} as 16 bytes. */
  static byte[] ipv6(int last) {
    ByteBuffer b = ByteBuffer.allocate(16);
    b.putInt(0x20010db8).putInt(0).putInt(0).putInt(last);
    return b.array();
  }

  /** 198.51.100.{last} as an int. */
  static int ipv4(int last) {
    return 198 << 24 | 51 << 16 | 100 << 8 | last;
  }
}
