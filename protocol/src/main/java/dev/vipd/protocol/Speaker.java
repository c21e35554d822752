package dev.vipd.protocol;

import dev.vipd.protocol.raw.BpfFilters;
import dev.vipd.protocol.raw.EtherKind;
import dev.vipd.protocol.raw.PacketSocket;
import dev.vipd.protocol.raw.SolicitedNodeGroups;
import dev.vipd.protocol.spi.FrameDrops;
import dev.vipd.protocol.spi.GroupMembership;
import dev.vipd.protocol.spi.L2Socket;
import dev.vipd.protocol.wire.ArpFrames;
import dev.vipd.protocol.wire.InetAddresses;
import dev.vipd.protocol.wire.NdpFrames;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.IoEventLoop;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The layer-2 data plane of one interface: an ARP socket and an IPv6 socket, the {@link Responder}
 * answering on them, the {@link Announcer} and the solicited-node group memberships, driven by
 * {@link #acquire} and {@link #release}.
 *
 * <p>Ordering: on acquire the address is answered for (owned set, kernel filter, MLD join) before
 * the first announcement, so a client that moves at once finds an answer. On release the
 * announcements stop first, then the answers. Acquire and release are serialised on this object;
 * the receive path never takes its lock.
 */
public final class Speaker implements AutoCloseable {
  private final String interfaceName;
  private final Responder responder;
  private final Announcer announcer;
  private final L2Socket arpSocket;
  private final L2Socket ndpSocket;
  private final GroupMembership groups;
  private final ByteBuf announcement = ByteBufAllocator.DEFAULT.directBuffer(128, 128);
  private final AutoCloseable meters;
  private boolean closed;

  /** Wires already opened parts; {@link #open} is the usual way in. */
  public Speaker(
      String interfaceName,
      Responder responder,
      L2Socket arpSocket,
      L2Socket ndpSocket,
      GroupMembership groups,
      AnnouncerFactory announcers) {
    this(interfaceName, responder, arpSocket, ndpSocket, groups, announcers, () -> { });
  }

  private Speaker(
      String interfaceName,
      Responder responder,
      L2Socket arpSocket,
      L2Socket ndpSocket,
      GroupMembership groups,
      AnnouncerFactory announcers,
      AutoCloseable meters) {
    this.meters = meters;
    this.interfaceName = interfaceName;
    this.responder = responder;
    this.arpSocket = arpSocket;
    this.ndpSocket = ndpSocket;
    this.groups = groups;
    responder.attach(arpSocket, ndpSocket);
    this.announcer = announcers.create(this::sendAnnouncement, this::stillOwned);
  }

  /** Builds an announcer once the speaker can send and tell ownership. */
  @FunctionalInterface
  public interface AnnouncerFactory {
    Announcer create(AnnouncementSink sink, Predicate<InetAddress> stillOwned);
  }

  /**
   * Opens the sockets of {@code interfaceName} on the calling thread (which decides the network
   * namespace) and polls them on {@code loop}.
   */
  public static Speaker open(
      IoEventLoop loop,
      String interfaceName,
      AnnounceSettings settings,
      MeterRegistry registry,
      ConflictListener conflicts,
      AnnouncementListener announced)
      throws IOException {
    FrameDrops drops = new FrameDrops(registry, interfaceName);
    Responder responder =
        new Responder(interfaceName, registry, drops, System::nanoTime, conflicts);
    PacketSocket arp = null;
    PacketSocket ndp = null;
    SolicitedNodeGroups groups = null;
    try {
      arp = PacketSocket.open(loop, interfaceName, EtherKind.ARP, responder::handleArp, drops);
      ndp = PacketSocket.open(loop, interfaceName, EtherKind.IPV6, responder::handleNdp, drops);
      groups = SolicitedNodeGroups.open(interfaceName);
      Speaker speaker =
          new Speaker(
              interfaceName, responder, arp, ndp, groups,
              (sink, owned) ->
                  new Announcer(
                      interfaceName, sink, settings, loop, System::nanoTime, owned, announced,
                      registry),
              drops);
      speaker.start();
      return speaker;
    } catch (IOException | RuntimeException e) {
      closeQuietly(groups);
      closeQuietly(ndp);
      closeQuietly(arp);
      responder.close();
      drops.close();
      throw e;
    }
  }

  /** Starts announcing; {@link #open} does this for you. */
  public void start() {
    announcer.start();
  }

  public String interfaceName() {
    return interfaceName;
  }

  public Responder responder() {
    return responder;
  }

  public Announcer announcer() {
    return announcer;
  }

  /** Starts answering and announcing {@code vip}; announces again when already owned. */
  public synchronized void acquire(InetAddress vip) {
    AddressSet before = responder.owned();
    AddressSet after = before.with(vip);
    if (after != before) {
      if (vip instanceof Inet6Address v6) {
        groups.join(v6);
      }
      responder.setOwned(after);
      updateFilter(vip, after);
    }
    announcer.announce(vip);
  }

  /** Stops announcing, then answering, {@code vip}. */
  public synchronized void release(InetAddress vip) {
    announcer.stop(vip);
    AddressSet before = responder.owned();
    AddressSet after = before.without(vip);
    if (after != before) {
      responder.setOwned(after);
      updateFilter(vip, after);
      if (vip instanceof Inet6Address v6) {
        groups.leave(v6);
      }
    }
  }

  /** The addresses answered for now. */
  public Set<InetAddress> owned() {
    return responder.owned().addresses();
  }

  /** See {@link Responder#setAnswerDeadline}; announcements follow the same gate. */
  public void setAnswerDeadline(long deadlineNanos) {
    responder.setAnswerDeadline(deadlineNanos);
  }

  private boolean stillOwned(InetAddress vip) {
    return responder.owned().contains(vip) && responder.mayAnswer();
  }

  /** Runs on the announcer's scheduler thread only, so one buffer serves every frame. */
  private boolean sendAnnouncement(InetAddress vip) {
    ByteBuf out = announcement.clear();
    if (vip instanceof Inet4Address v4) {
      ArpFrames.writeAnnouncement(out, arpSocket.mac(), InetAddresses.toInt(v4));
      return arpSocket.send(out);
    }
    Inet6Address v6 = (Inet6Address) vip;
    NdpFrames.writeUnsolicitedAdvertisement(
        out, ndpSocket.mac(), InetAddresses.high(v6), InetAddresses.low(v6));
    return ndpSocket.send(out);
  }

  /** Narrows the kernel filter of the family that changed to the owned addresses. */
  private void updateFilter(InetAddress changed, AddressSet after) {
    if (changed instanceof Inet4Address) {
      arpSocket.setFilter(BpfFilters.arp(after.ipv4Values()));
    } else {
      ndpSocket.setFilter(BpfFilters.ndp(after.ipv6LowValues()));
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    announcer.close();
    responder.setOwned(AddressSet.EMPTY);
    closeQuietly(groups);
    closeQuietly(ndpSocket);
    closeQuietly(arpSocket);
    responder.close();
    closeQuietly(meters);
    announcement.release();
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      // closing is best effort; the socket logs its own failure
    }
  }
}
