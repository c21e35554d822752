package dev.vipd.protocol.wire;

import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.util.Objects;

/**
 * An Ethernet + ARP frame for IPv4 over Ethernet. Decoding ignores Ethernet padding, so encoding
 * gives the 42 unpadded bytes.
 */
public record ArpPacket(
    EthernetHeader ethernet,
    ArpOperation operation,
    MacAddress senderMac,
    Inet4Address senderIp,
    MacAddress targetMac,
    Inet4Address targetIp) {

  public ArpPacket {
    Objects.requireNonNull(ethernet, "ethernet");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(senderMac, "senderMac");
    Objects.requireNonNull(senderIp, "senderIp");
    Objects.requireNonNull(targetMac, "targetMac");
    Objects.requireNonNull(targetIp, "targetIp");
    if (ethernet.etherType() != EtherType.ARP) {
      throw new IllegalArgumentException(
          "invalid EtherType: " + ethernet.etherType() + " (expected: ARP)");
    }
  }

  /** A frame with EtherType ARP between the given Ethernet addresses. */
  public static ArpPacket of(
      MacAddress ethernetDestination, MacAddress ethernetSource, ArpOperation operation,
      MacAddress senderMac, Inet4Address senderIp, MacAddress targetMac, Inet4Address targetIp) {
    return new ArpPacket(new EthernetHeader(ethernetDestination, ethernetSource, EtherType.ARP),
        operation, senderMac, senderIp, targetMac, targetIp);
  }

  /** Decodes a frame that {@link ArpFrames#check} accepts. */
  public static ArpPacket decode(ByteBuf frame) throws MalformedFrameException {
    FrameError error = ArpFrames.check(frame);
    if (error != FrameError.NONE) {
      throw new MalformedFrameException(error, ArpFrames.describe(error, frame));
    }
    return new ArpPacket(
        EthernetHeader.read(frame),
        ArpOperation.valueOf(ArpFrames.operation(frame)),
        MacAddress.of(ArpFrames.senderMac(frame)),
        InetAddresses.ipv4(ArpFrames.senderIp(frame)),
        MacAddress.of(ArpFrames.targetMac(frame)),
        InetAddresses.ipv4(ArpFrames.targetIp(frame)));
  }

  /** Appends the 42-byte frame. */
  public void encode(ByteBuf out) {
    ArpFrames.write(out, ethernet.destination().value(), ethernet.source().value(),
        operation.code(), senderMac.value(), InetAddresses.toInt(senderIp), targetMac.value(),
        InetAddresses.toInt(targetIp));
  }
}
