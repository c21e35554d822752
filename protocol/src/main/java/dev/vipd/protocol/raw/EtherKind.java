package dev.vipd.protocol.raw;

import dev.vipd.protocol.wire.WireConstants;

/** The EtherTypes a {@link PacketSocket} can be bound to. */
public enum EtherKind {
  /** ARP, EtherType 0x0806. */
  ARP(WireConstants.ETHERTYPE_ARP, "arp"),
  /** IPv6 (for Neighbor Discovery), EtherType 0x86dd. */
  IPV6(WireConstants.ETHERTYPE_IPV6, "ipv6");

  private final int code;
  private final String label;

  EtherKind(int code, String label) {
    this.code = code;
    this.label = label;
  }

  /** The EtherType in host order. */
  public int code() {
    return code;
  }

  /** Lower-case name, for logs, errors and metric tags. */
  public String label() {
    return label;
  }

  /** The kind for an EtherType. */
  public static EtherKind valueOf(int code) {
    for (EtherKind kind : values()) {
      if (kind.code == code) {
        return kind;
      }
    }
    throw new IllegalArgumentException(
        "invalid EtherType: 0x" + Integer.toHexString(code) + " (expected: 0x806 or 0x86dd)");
  }
}
