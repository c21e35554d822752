package dev.vipd.protocol;

import dev.vipd.common.IpText;
import dev.vipd.protocol.spi.FrameDrops;
import dev.vipd.protocol.spi.L2Socket;
import dev.vipd.protocol.wire.ArpFrames;
import dev.vipd.protocol.wire.ArpOperation;
import dev.vipd.protocol.wire.FrameError;
import dev.vipd.protocol.wire.Icmpv6Type;
import dev.vipd.protocol.wire.InetAddresses;
import dev.vipd.protocol.wire.NdpFrames;
import dev.vipd.protocol.wire.NdpOptionType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;

/**
 * Answers ARP requests and IPv6 Neighbor Solicitations for the owned addresses of one interface,
 * and reports other hosts claiming them.
 *
 * <p>{@link #handleArp} and {@link #handleNdp} take one frame and return one {@link Verdict}; they
 * run on the sockets' event-loop threads, read the owned set through one volatile reference and
 * allocate nothing (the reply is written into a buffer reused per protocol). The owned set is
 * changed by {@link Speaker} from any thread.
 *
 * <p>Answers are given only while the answer deadline ({@link #setAnswerDeadline}) lies ahead on
 * the monotonic clock. The cluster layer keeps pushing it forward while this node's ownership is
 * confirmed; after a pause (GC, SIGSTOP, VM freeze) the deadline has passed when the event loop
 * wakes up, so the frames queued during the pause get {@link Verdict#SILENCED} instead of an answer
 * that could contradict the node that took over.
 */
public final class Responder {
  private static final int REQUEST = ArpOperation.REQUEST.code();
  private static final int SOLICITATION = Icmpv6Type.NEIGHBOR_SOLICITATION.code();
  private static final int ADVERTISEMENT = Icmpv6Type.NEIGHBOR_ADVERTISEMENT.code();
  private static final int SOURCE_LINK_LAYER = NdpOptionType.SOURCE_LINK_LAYER_ADDRESS.code();
  private static final int TARGET_LINK_LAYER = NdpOptionType.TARGET_LINK_LAYER_ADDRESS.code();
  /** An NA or ARP reply we write is never longer than this. */
  private static final int MAX_REPLY = 128;

  private final String interfaceName;
  private final MeterRegistry registry;
  private final LongSupplier nanoClock;
  private final ConflictListener conflicts;
  private final Counter[] arpCounters;
  private final Counter[] ndpCounters;
  private final FrameDrops drops;
  private final AtomicReferenceArray<Counter> malformed;
  private final ByteBuf arpReply;
  private final ByteBuf ndpReply;
  private final Neighbours neighbours = new Neighbours();

  private volatile AddressSet owned = AddressSet.EMPTY;
  private volatile long answerDeadline = Long.MAX_VALUE;
  private volatile boolean bounded;
  private volatile L2Socket arpSocket;
  private volatile L2Socket ndpSocket;

  public Responder(
      String interfaceName,
      MeterRegistry registry,
      FrameDrops drops,
      LongSupplier nanoClock,
      ConflictListener conflicts) {
    if (!drops.interfaceName().equals(interfaceName)) {
      throw new IllegalArgumentException("invalid drop meters: of " + drops.interfaceName()
          + " (expected: of " + interfaceName + ")");
    }
    this.interfaceName = interfaceName;
    this.registry = registry;
    this.drops = drops;
    this.nanoClock = nanoClock;
    this.conflicts = conflicts;
    this.arpCounters = verdictCounters("vipd.arp.requests", "ARP frames received, by verdict");
    this.ndpCounters =
        verdictCounters("vipd.ndp.solicitations", "Neighbor Discovery frames received, by verdict");
    this.malformed = new AtomicReferenceArray<>(FrameError.values().length);
    this.arpReply = ByteBufAllocator.DEFAULT.directBuffer(MAX_REPLY, MAX_REPLY);
    this.ndpReply = ByteBufAllocator.DEFAULT.directBuffer(MAX_REPLY, MAX_REPLY);
  }

  /** Sets the sockets answers are sent through (either may be null when unused). */
  public void attach(L2Socket arp, L2Socket ndp) {
    this.arpSocket = arp;
    this.ndpSocket = ndp;
  }

  /** The unicast targets of this interface, whose MACs this responder learns from frames. */
  public Neighbours neighbours() {
    return neighbours;
  }

  /** The owned set currently answered for. */
  public AddressSet owned() {
    return owned;
  }

  /** Replaces the owned set; answers for removed addresses stop with the next frame. */
  void setOwned(AddressSet addresses) {
    this.owned = addresses;
  }

  /**
   * Answers only until {@code deadlineNanos} on this responder's monotonic clock. {@link
   * Long#MAX_VALUE} (the initial value) means no deadline.
   */
  public void setAnswerDeadline(long deadlineNanos) {
    this.answerDeadline = deadlineNanos;
    this.bounded = deadlineNanos != Long.MAX_VALUE;
  }

  /** Whether answers may be sent now. */
  public boolean mayAnswer() {
    return !bounded || nanoClock.getAsLong() - answerDeadline < 0;
  }

  /** Handles one frame from the ARP socket. */
  public Verdict handleArp(ByteBuf frame) {
    Verdict verdict = arp(frame);
    arpCounters[verdict.ordinal()].increment();
    return verdict;
  }

  /** Handles one frame from the IPv6 socket (NS and NA only pass its filter). */
  public Verdict handleNdp(ByteBuf frame) {
    Verdict verdict = ndp(frame);
    ndpCounters[verdict.ordinal()].increment();
    return verdict;
  }

  private Verdict arp(ByteBuf frame) {
    FrameError error = ArpFrames.check(frame);
    if (error != FrameError.NONE) {
      return malformed(error);
    }
    AddressSet set = owned;
    L2Socket socket = arpSocket;
    long ourMac = socket == null ? -1 : socket.mac();
    int senderIp = ArpFrames.senderIp(frame);
    long senderMac = ArpFrames.senderMac(frame);
    neighbours.learnIpv4(senderIp, senderMac);
    // RFC 5227 2.4: any ARP packet whose sender is one of our addresses but not our MAC is a
    // conflict, whatever its opcode (a reply, a gratuitous request, or a request it sends itself).
    if (senderMac != ourMac && set.containsIpv4(senderIp)) {
      return conflict(InetAddresses.ipv4(senderIp), senderMac);
    }
    int targetIp = ArpFrames.targetIp(frame);
    if (ArpFrames.operation(frame) != REQUEST || targetIp == senderIp) {
      return Verdict.NOT_A_REQUEST; // replies, and announcements (gratuitous requests)
    }
    if (!set.containsIpv4(targetIp)) {
      return Verdict.NOT_OWNED;
    }
    if (socket == null || !mayAnswer()) {
      return Verdict.SILENCED;
    }
    ByteBuf out = arpReply.clear();
    ArpFrames.writeReply(out, ourMac, targetIp, senderMac, senderIp);
    return socket.send(out) ? Verdict.ANSWERED : Verdict.SEND_FAILED;
  }

  private Verdict ndp(ByteBuf frame) {
    FrameError error = NdpFrames.check(frame);
    if (error != FrameError.NONE) {
      return malformed(error);
    }
    AddressSet set = owned;
    L2Socket socket = ndpSocket;
    long ourMac = socket == null ? -1 : socket.mac();
    long targetHi = NdpFrames.targetHi(frame);
    long targetLo = NdpFrames.targetLo(frame);
    learnNdp(frame, targetHi, targetLo);
    if (!set.containsIpv6(targetHi, targetLo)) {
      return NdpFrames.icmpType(frame) == SOLICITATION
          ? Verdict.NOT_OWNED
          : Verdict.NOT_A_REQUEST;
    }
    if (NdpFrames.icmpType(frame) == ADVERTISEMENT) {
      long claimant = NdpFrames.linkLayerOption(frame, TARGET_LINK_LAYER);
      if (claimant < 0) {
        claimant = NdpFrames.ethernetSource(frame);
      }
      if (claimant == ourMac) {
        return Verdict.NOT_A_REQUEST;
      }
      return conflict(InetAddresses.ipv6(targetHi, targetLo), claimant);
    }
    if (socket == null || !mayAnswer()) {
      return Verdict.SILENCED;
    }
    long srcHi = NdpFrames.sourceHi(frame);
    long srcLo = NdpFrames.sourceLo(frame);
    ByteBuf out = ndpReply.clear();
    if (srcHi == 0 && srcLo == 0) {
      // Duplicate address detection from "::": answer to all-nodes, without the Solicited flag
      // (RFC 4861 7.2.4), which tells the prober the address is taken.
      NdpFrames.writeUnsolicitedAdvertisement(out, ourMac, targetHi, targetLo);
    } else {
      long dstMac = NdpFrames.linkLayerOption(frame, SOURCE_LINK_LAYER);
      if (dstMac < 0) {
        dstMac = NdpFrames.ethernetSource(frame); // a unicast NUD probe may omit the option
      }
      NdpFrames.writeAdvertisement(
          out, ourMac, dstMac, targetHi, targetLo, srcHi, srcLo, targetHi, targetLo,
          NdpFrames.FLAG_SOLICITED | NdpFrames.FLAG_OVERRIDE);
    }
    return socket.send(out) ? Verdict.ANSWERED : Verdict.SEND_FAILED;
  }

  /** An NA tells the target's MAC, an NS its sender's (when they are unicast targets). */
  private void learnNdp(ByteBuf frame, long targetHi, long targetLo) {
    if (neighbours.isEmpty()) {
      return;
    }
    if (NdpFrames.icmpType(frame) == ADVERTISEMENT) {
      long mac = NdpFrames.linkLayerOption(frame, TARGET_LINK_LAYER);
      neighbours.learnIpv6(targetHi, targetLo, mac < 0 ? NdpFrames.ethernetSource(frame) : mac);
    } else {
      long mac = NdpFrames.linkLayerOption(frame, SOURCE_LINK_LAYER);
      if (mac >= 0) { // a solicitation from "::" or without the option tells nothing
        neighbours.learnIpv6(NdpFrames.sourceHi(frame), NdpFrames.sourceLo(frame), mac);
      }
    }
  }

  /**
   * Tells the listener and, when it calls the claim a real conflict, counts {@code
   * vipd_address_conflicts_total{vip}}. Not the hot path: a claim is rare, so the counter lookup
   * may allocate.
   */
  private Verdict conflict(InetAddress vip, long otherMac) {
    if (conflicts.conflict(vip, otherMac)) {
      Counter.builder("vipd.address.conflicts")
          .description("ARP or NDP frames from another MAC claiming an owned address")
          .tag("vip", IpText.format(vip))
          .register(registry)
          .increment();
    }
    return Verdict.CONFLICT;
  }

  private Verdict malformed(FrameError error) {
    Counter c = malformed.get(error.ordinal());
    if (c == null) {
      c = drops.counter(error.reason());
      malformed.set(error.ordinal(), c);
    }
    c.increment();
    return Verdict.MALFORMED;
  }

  /** Releases the reply buffers. */
  void close() {
    arpReply.release();
    ndpReply.release();
  }

  private Counter[] verdictCounters(String name, String description) {
    Verdict[] verdicts = Verdict.values();
    Counter[] counters = new Counter[verdicts.length];
    for (Verdict v : verdicts) {
      counters[v.ordinal()] =
          Counter.builder(name)
              .description(description)
              .tag("interface", interfaceName)
              .tag("result", v.tag())
              .register(registry);
    }
    return counters;
  }
}
