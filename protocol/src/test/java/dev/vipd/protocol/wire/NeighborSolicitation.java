package dev.vipd.protocol.wire;

import io.netty.buffer.ByteBuf;
import java.net.Inet6Address;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An Ethernet + IPv6 + ICMPv6 Neighbor Solicitation (RFC 4861 4.3). The 32 reserved bits are
 * ignored when decoding and sent as zero.
 */
public record NeighborSolicitation(
    EthernetHeader ethernet, Ipv6Header ip, Inet6Address target, List<NdpOption> options) {

  public NeighborSolicitation {
    Objects.requireNonNull(ethernet, "ethernet");
    Objects.requireNonNull(ip, "ip");
    Objects.requireNonNull(target, "target");
    options = List.copyOf(options);
    NdpMessages.validate(ethernet, ip, target, options);
    if (ip.source().isAnyLocalAddress()) { // duplicate address detection, RFC 4861 7.1.1
      if (NdpMessages.has(options, NdpOptionType.SOURCE_LINK_LAYER_ADDRESS)) {
        throw new IllegalArgumentException("invalid solicitation from ::: source link-layer"
            + " option present (expected: none)");
      }
      if (!WireConstants.isSolicitedNodeGroupOf(InetAddresses.high(ip.destination()),
          InetAddresses.low(ip.destination()), InetAddresses.low(target))) {
        throw new IllegalArgumentException("invalid destination: "
            + ip.destination().getHostAddress() + " (expected: the solicited-node group of "
            + target.getHostAddress() + " for a solicitation from ::)");
      }
    }
  }

  /** Decodes a frame that {@link NdpFrames#check} accepts and that is a solicitation. */
  public static NeighborSolicitation decode(ByteBuf frame) throws MalformedFrameException {
    NdpMessages.checkOrThrow(frame, Icmpv6Type.NEIGHBOR_SOLICITATION);
    return new NeighborSolicitation(EthernetHeader.read(frame), Ipv6Header.read(frame),
        NdpMessages.target(frame), NdpMessages.readOptions(frame));
  }

  /** The source link-layer address option's MAC, if the solicitation carries one. */
  public Optional<MacAddress> sourceLinkLayerAddress() {
    for (NdpOption option : options) {
      Optional<MacAddress> mac = option.linkLayerAddress(NdpOptionType.SOURCE_LINK_LAYER_ADDRESS);
      if (mac.isPresent()) {
        return mac;
      }
    }
    return Optional.empty();
  }

  /** True for duplicate address detection: the source is the unspecified address. */
  public boolean isDuplicateAddressDetection() {
    return ip.source().isAnyLocalAddress();
  }

  /** Appends the frame with a fresh payload length and checksum. */
  public void encode(ByteBuf out) {
    NdpMessages.encode(out, ethernet, ip, Icmpv6Type.NEIGHBOR_SOLICITATION, 0, target, options);
  }
}
