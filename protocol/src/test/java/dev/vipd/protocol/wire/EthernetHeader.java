package dev.vipd.protocol.wire;

import static dev.vipd.protocol.wire.WireConstants.ETH_TYPE;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/** The 14-byte Ethernet II header of an ARP or IPv6 frame. */
public record EthernetHeader(MacAddress destination, MacAddress source, EtherType etherType) {
  public EthernetHeader {
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(etherType, "etherType");
  }

  /** Reads the header of a frame that its protocol's {@code check} accepted. */
  static EthernetHeader read(ByteBuf frame) {
    return new EthernetHeader(
        MacAddress.of(ArpFrames.ethernetDestination(frame)),
        MacAddress.of(ArpFrames.ethernetSource(frame)),
        EtherType.valueOf(frame.getUnsignedShort(frame.readerIndex() + ETH_TYPE)));
  }

  public void encode(ByteBuf out) {
    ArpFrames.writeMac(out, destination.value());
    ArpFrames.writeMac(out, source.value());
    out.writeShort(etherType.code());
  }
}
