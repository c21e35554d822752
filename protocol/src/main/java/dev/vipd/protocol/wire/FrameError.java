package dev.vipd.protocol.wire;

import java.util.Locale;

/**
 * Why a frame was refused by {@link ArpFrames#check} or {@link NdpFrames#check}: the first rule it
 * broke. {@link #NONE} means the frame is well formed. {@link #reason()} is the metric tag.
 */
public enum FrameError {
  NONE,
  /** The frame ends before a header or fixed part does. */
  TRUNCATED,
  BAD_ETHERTYPE,
  BAD_HARDWARE_TYPE,
  BAD_PROTOCOL_TYPE,
  BAD_ADDRESS_LENGTH,
  UNKNOWN_OPCODE,
  /** More bytes after the packet than Ethernet padding of a minimum-size frame explains. */
  TRAILING_BYTES,
  BAD_IP_VERSION,
  /** The IPv6 payload length is shorter than an NS/NA or longer than the frame. */
  BAD_PAYLOAD_LENGTH,
  NOT_ICMPV6,
  BAD_HOP_LIMIT,
  BAD_CHECKSUM,
  BAD_ICMP_CODE,
  UNKNOWN_ICMP_TYPE,
  BAD_OPTION_LENGTH,
  MULTICAST_TARGET,
  /** A solicitation from the unspecified address that carries a source link-layer option. */
  BAD_SOURCE,
  /**
   * A DAD solicitation not sent to the target's solicited-node group, or a solicited
   * advertisement sent to a multicast group (RFC 4861 7.1).
   */
  BAD_DESTINATION;

  private final String reason = name().toLowerCase(Locale.ROOT).replace('_', '-');

  /** Lowercase-hyphen form for metric tags and logs, e.g. {@code bad-checksum}. */
  public String reason() {
    return reason;
  }
}
