package dev.vipd.protocol;

import dev.vipd.protocol.wire.ArpFrames;
import dev.vipd.protocol.wire.ArpOperation;
import dev.vipd.protocol.wire.FrameError;
import dev.vipd.protocol.wire.Icmpv6Type;
import dev.vipd.protocol.wire.NdpFrames;
import dev.vipd.protocol.wire.NdpOptionType;
import io.netty.buffer.ByteBuf;

/**
 * The frames of the wire check (issue 13), allocation-free: the probe a non-owner sends for a
 * VIP, and who answered it. Pure; no I/O.
 *
 * <ul>
 *   <li>IPv4: an ARP request for the VIP. Without a configured source address the sender IP is
 *       0.0.0.0 (an RFC 5227 probe), so an interface without an address can probe and no
 *       neighbour cache learns a binding from it; the owner's {@link Responder} answers it
 *       unicast to the prober's MAC (target IP 0.0.0.0).
 *   <li>IPv6: a Neighbor Solicitation to the VIP's solicited-node group from the prober's
 *       link-local address, with its link-layer option, so the answer is a unicast NA. From
 *       {@code ::} (no link-local address) it carries no option and the owner answers to all
 *       nodes (RFC 4861 7.2.4), which every host then receives: the link-local source is the
 *       normal case.
 * </ul>
 */
public final class WireProbes {
  private static final int REPLY = ArpOperation.REPLY.code();
  private static final int ADVERTISEMENT = Icmpv6Type.NEIGHBOR_ADVERTISEMENT.code();
  private static final int TARGET_LINK_LAYER = NdpOptionType.TARGET_LINK_LAYER_ADDRESS.code();

  private WireProbes() {}

  /** Appends the ARP probe for {@code vip} from {@code mac}; {@code senderIp} 0 for 0.0.0.0. */
  public static void writeArpProbe(ByteBuf out, long mac, int senderIp, int vip) {
    ArpFrames.writeRequest(out, mac, senderIp, vip);
  }

  /** Appends the NS probe for the VIP from {@code mac} and its link-local (or {@code ::}). */
  public static void writeNdpProbe(
      ByteBuf out, long mac, long sourceHi, long sourceLo, long vipHi, long vipLo) {
    NdpFrames.writeSolicitation(out, mac, sourceHi, sourceLo, vipHi, vipLo);
  }

  /**
   * The MAC that answered an ARP probe of {@code ourMac} in {@code frame} (its sender IP,
   * {@link ArpFrames#senderIp}, is the VIP), or -1 when the frame is not such an answer: not
   * well-formed, not a reply, or a reply addressed to another host.
   */
  public static long arpAnswerer(ByteBuf frame, long ourMac) {
    if (ArpFrames.check(frame) != FrameError.NONE || ArpFrames.operation(frame) != REPLY
        || ArpFrames.targetMac(frame) != ourMac) {
      return -1;
    }
    return ArpFrames.senderMac(frame);
  }

  /**
   * The MAC that claims the target ({@link NdpFrames#targetHi}/{@code Lo}: the VIP) of the
   * Neighbor Advertisement in {@code frame}: its target link-layer option, else its Ethernet
   * source; -1 when the frame is not a well-formed NA.
   */
  public static long ndpAnswerer(ByteBuf frame) {
    if (NdpFrames.check(frame) != FrameError.NONE || NdpFrames.icmpType(frame) != ADVERTISEMENT) {
      return -1;
    }
    long claimant = NdpFrames.linkLayerOption(frame, TARGET_LINK_LAYER);
    return claimant >= 0 ? claimant : NdpFrames.ethernetSource(frame);
  }
}
