package dev.vipd.protocol.wire;

import io.netty.buffer.ByteBuf;
import java.net.Inet6Address;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An Ethernet + IPv6 + ICMPv6 Neighbor Advertisement (RFC 4861 4.4). The 29 reserved bits after
 * the flags are ignored when decoding and sent as zero.
 *
 * @param flags {@link NdpFrames#FLAG_ROUTER}, {@link NdpFrames#FLAG_SOLICITED} and {@link
 *     NdpFrames#FLAG_OVERRIDE}, combined
 */
public record NeighborAdvertisement(
    EthernetHeader ethernet, Ipv6Header ip, int flags, Inet6Address target,
    List<NdpOption> options) {
  private static final int ALL_FLAGS =
      NdpFrames.FLAG_ROUTER | NdpFrames.FLAG_SOLICITED | NdpFrames.FLAG_OVERRIDE;

  public NeighborAdvertisement {
    Objects.requireNonNull(ethernet, "ethernet");
    Objects.requireNonNull(ip, "ip");
    Objects.requireNonNull(target, "target");
    options = List.copyOf(options);
    NdpMessages.validate(ethernet, ip, target, options);
    if ((flags & ~ALL_FLAGS) != 0) {
      throw new IllegalArgumentException("invalid flags: 0x" + Integer.toHexString(flags)
          + " (expected: a combination of 0x80 R, 0x40 S, 0x20 O)");
    }
    if ((flags & NdpFrames.FLAG_SOLICITED) != 0 && ip.destination().isMulticastAddress()) {
      throw new IllegalArgumentException("invalid destination: "
          + ip.destination().getHostAddress() + " (expected: unicast for a solicited"
          + " advertisement)");
    }
  }

  /** Decodes a frame that {@link NdpFrames#check} accepts and that is an advertisement. */
  public static NeighborAdvertisement decode(ByteBuf frame) throws MalformedFrameException {
    NdpMessages.checkOrThrow(frame, Icmpv6Type.NEIGHBOR_ADVERTISEMENT);
    return new NeighborAdvertisement(EthernetHeader.read(frame), Ipv6Header.read(frame),
        NdpFrames.advertisementFlags(frame), NdpMessages.target(frame),
        NdpMessages.readOptions(frame));
  }

  public boolean isRouter() {
    return (flags & NdpFrames.FLAG_ROUTER) != 0;
  }

  public boolean isSolicited() {
    return (flags & NdpFrames.FLAG_SOLICITED) != 0;
  }

  public boolean isOverride() {
    return (flags & NdpFrames.FLAG_OVERRIDE) != 0;
  }

  /** The target link-layer address option's MAC, if the advertisement carries one. */
  public Optional<MacAddress> targetLinkLayerAddress() {
    for (NdpOption option : options) {
      Optional<MacAddress> mac = option.linkLayerAddress(NdpOptionType.TARGET_LINK_LAYER_ADDRESS);
      if (mac.isPresent()) {
        return mac;
      }
    }
    return Optional.empty();
  }

  /** Appends the frame with a fresh payload length and checksum. */
  public void encode(ByteBuf out) {
    NdpMessages.encode(
        out, ethernet, ip, Icmpv6Type.NEIGHBOR_ADVERTISEMENT, flags, target, options);
  }
}
