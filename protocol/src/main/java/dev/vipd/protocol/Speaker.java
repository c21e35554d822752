package dev.vipd.protocol;

import dev.vipd.common.IpText;
import dev.vipd.protocol.BatchResult.Stage;
import dev.vipd.protocol.raw.BpfFilters;
import dev.vipd.protocol.raw.EtherKind;
import dev.vipd.protocol.raw.PacketSocket;
import dev.vipd.protocol.raw.SolicitedNodeGroups;
import dev.vipd.protocol.spi.FrameDrops;
import dev.vipd.protocol.spi.GroupMembership;
import dev.vipd.protocol.spi.L2Socket;
import dev.vipd.protocol.spi.SocketFilter;
import dev.vipd.protocol.wire.ArpFrames;
import dev.vipd.protocol.wire.InetAddresses;
import dev.vipd.protocol.wire.NdpFrames;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.IoEventLoop;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The layer-2 data plane of one interface: an ARP socket and an IPv6 socket, the {@link Responder}
 * answering on them, the {@link Announcer} and the solicited-node group memberships, driven by
 * {@link #acquireAll} and {@link #releaseAll} (batches: a takeover of N addresses costs O(N), and
 * each address succeeds or fails on its own, see {@link BatchResult}).
 *
 * <p>Ordering: on acquire the address is answered for (owned set, kernel filter, MLD join) before
 * the first announcement, so a client that moves at once finds an answer. On release the
 * announcements stop first, then the answers. Acquire and release are serialised on this object;
 * the receive path and {@link #setAnswerDeadline} never take its lock.
 */
public final class Speaker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Speaker.class);
  private final String interfaceName;
  private final Responder responder;
  private final Announcer announcer;
  private final L2Socket arpSocket;
  private final L2Socket ndpSocket;
  private final GroupMembership groups;
  private final ByteBuf announcement = ByteBufAllocator.DEFAULT.directBuffer(128, 128);
  private final AutoCloseable meters;
  private final UnicastRefresh unicast;
  private volatile Set<InetAddress> unicastTargets = Set.of();
  private boolean closed;

  /** Wires already opened parts; {@link #open} is the usual way in. */
  public Speaker(
      String interfaceName,
      Responder responder,
      L2Socket arpSocket,
      L2Socket ndpSocket,
      GroupMembership groups,
      AnnouncerFactory announcers) {
    this(interfaceName, responder, arpSocket, ndpSocket, groups, announcers, () -> { },
        new SimpleMeterRegistry());
  }

  private Speaker(
      String interfaceName,
      Responder responder,
      L2Socket arpSocket,
      L2Socket ndpSocket,
      GroupMembership groups,
      AnnouncerFactory announcers,
      AutoCloseable meters,
      MeterRegistry registry) {
    this.meters = meters;
    this.interfaceName = interfaceName;
    this.responder = responder;
    this.arpSocket = arpSocket;
    this.ndpSocket = ndpSocket;
    this.groups = groups;
    responder.attach(arpSocket, ndpSocket);
    this.unicast = new UnicastRefresh(interfaceName, responder.neighbours(), arpSocket, ndpSocket,
        registry, System::nanoTime);
    this.announcer = announcers.create(
        this::sendAnnouncement, vip -> responder.owned().contains(vip), responder::mayAnswer);
  }

  /**
   * Builds an announcer once the speaker can send, tell ownership and tell whether it may answer
   * now (the responder's answer deadline: the announcer's gate).
   */
  @FunctionalInterface
  public interface AnnouncerFactory {
    Announcer create(
        AnnouncementSink sink, Predicate<InetAddress> stillOwned, BooleanSupplier mayAnnounce);
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
              (sink, owned, gate) ->
                  new Announcer(
                      interfaceName, sink, settings, loop, System::nanoTime, owned, gate,
                      announced, registry),
              drops, registry);
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

  /** {@link #acquireAll} of one address. */
  public BatchResult acquire(InetAddress vip) {
    return acquireAll(List.of(vip));
  }

  /**
   * Starts answering and announcing every address of {@code vips}; an address already owned is
   * announced again (a new epoch). The whole batch costs one owned-set copy and at most one
   * kernel filter per family, whatever its size. Each address succeeds or fails on its own: an
   * IPv6 address whose solicited-node group cannot be joined, or a family for which no filter
   * can be attached, fails with that stage and is neither answered nor announced; the others go
   * on. A large filter the kernel refuses (ENOMEM) is replaced by the next smaller one of {@link
   * BpfFilters#arpChoices}/{@link BpfFilters#ndpChoices}.
   */
  public synchronized BatchResult acquireAll(Collection<? extends InetAddress> vips) {
    Map<InetAddress, BatchResult.Failure> failed = new LinkedHashMap<>();
    if (closed) {
      vips.forEach(vip -> failed.put(vip, new BatchResult.Failure(Stage.CLOSED, "speaker closed")));
      return new BatchResult(Set.of(), failed);
    }
    AddressSet before = responder.owned();
    Set<InetAddress> fresh = new LinkedHashSet<>();
    for (InetAddress vip : vips) {
      if (!before.contains(vip) && fresh.add(vip) && vip instanceof Inet6Address v6) {
        try {
          groups.join(v6);
        } catch (RuntimeException e) {
          fresh.remove(vip);
          failed.put(vip, new BatchResult.Failure(Stage.JOIN, String.valueOf(e.getMessage())));
        }
      }
    }
    AddressSet after = before.withAll(fresh);
    for (boolean v4 : new boolean[] {true, false}) {
      List<InetAddress> family = fresh.stream().filter(a -> (a instanceof Inet4Address) == v4)
          .toList();
      String error = family.isEmpty() ? null : updateFilter(v4, after);
      if (error != null) {
        for (InetAddress vip : family) {
          failed.put(vip, new BatchResult.Failure(Stage.FILTER, error));
          if (vip instanceof Inet6Address v6) {
            leaveQuietly(v6);
          }
        }
        after = after.withoutAll(family);
      }
    }
    responder.setOwned(after);
    List<InetAddress> succeeded = vips.stream().filter(v -> !failed.containsKey(v)).distinct()
        .<InetAddress>map(v -> v).toList();
    announcer.announceAll(succeeded);
    return new BatchResult(new LinkedHashSet<>(succeeded), failed);
  }

  /** {@link #releaseAll} of one address. */
  public BatchResult release(InetAddress vip) {
    return releaseAll(List.of(vip));
  }

  /**
   * Stops announcing, then answering, every address of {@code vips}: one owned-set copy and at
   * most one filter per family. A release always takes effect; the result lists only leftovers (a
   * solicited-node group the kernel would not leave, stage {@link Stage#LEAVE}).
   */
  public synchronized BatchResult releaseAll(Collection<? extends InetAddress> vips) {
    announcer.stopAll(vips);
    AddressSet before = responder.owned();
    List<InetAddress> gone = vips.stream().filter(before::contains).distinct()
        .<InetAddress>map(v -> v).toList();
    Map<InetAddress, BatchResult.Failure> failed = new LinkedHashMap<>();
    if (!gone.isEmpty()) {
      AddressSet after = before.withoutAll(gone);
      responder.setOwned(after);
      for (boolean v4 : new boolean[] {true, false}) {
        if (gone.stream().anyMatch(a -> (a instanceof Inet4Address) == v4)) {
          updateFilter(v4, after); // a wider filter left behind only costs wake-ups
        }
      }
      for (InetAddress vip : gone) {
        if (vip instanceof Inet6Address v6) {
          try {
            groups.leave(v6);
          } catch (RuntimeException e) {
            failed.put(vip, new BatchResult.Failure(Stage.LEAVE, String.valueOf(e.getMessage())));
          }
        }
      }
    }
    List<InetAddress> released = vips.stream().filter(v -> !failed.containsKey(v))
        .<InetAddress>map(v -> v).toList();
    return new BatchResult(new LinkedHashSet<>(released), failed);
  }

  /**
   * Sets the unicast targets (a pool's {@code announce.unicast-targets}) of each VIP this speaker
   * may own: every announcement of a VIP is followed by a unicast ARP reply / NA to each of its
   * targets. The targets' own frames then pass the socket filters, so that their MACs are learned
   * even before this node owns anything.
   */
  public synchronized void setUnicastTargets(
      Map<? extends InetAddress, ? extends List<InetAddress>> byVip) {
    if (closed) {
      return;
    }
    Set<InetAddress> before = unicastTargets;
    unicastTargets = Set.copyOf(unicast.setTargets(byVip));
    if (!before.equals(unicastTargets)) {
      updateFilter(true, responder.owned());
      updateFilter(false, responder.owned());
    }
  }

  /** The addresses answered for now. */
  public Set<InetAddress> owned() {
    return responder.owned().addresses();
  }

  /**
   * See {@link Responder#setAnswerDeadline}; announcements follow the same gate. Lock-free and
   * never blocks (the cluster thread calls it): when the push opens a lapsed gate again, the
   * announcer is told to resume, which it does on its own thread.
   */
  public void setAnswerDeadline(long deadlineNanos) {
    responder.setAnswerDeadline(deadlineNanos);
    if (responder.mayAnswer()) {
      announcer.resume(); // a volatile read unless something was parked during a lapse
    }
  }

  /** Runs on the announcer's scheduler thread only, so one buffer serves every frame. */
  private boolean sendAnnouncement(InetAddress vip) {
    ByteBuf out = announcement.clear();
    if (vip instanceof Inet4Address v4) {
      ArpFrames.writeAnnouncement(out, arpSocket.mac(), InetAddresses.toInt(v4));
      boolean ok = arpSocket.send(out);
      unicast.refresh(vip);
      return ok;
    }
    Inet6Address v6 = (Inet6Address) vip;
    NdpFrames.writeUnsolicitedAdvertisement(
        out, ndpSocket.mac(), InetAddresses.high(v6), InetAddresses.low(v6));
    boolean ok = ndpSocket.send(out);
    unicast.refresh(vip);
    return ok;
  }

  /**
   * Attaches the most selective filter of the family's choices that the kernel accepts.
   *
   * @return null on success, else the kernel's last refusal (the previous filter stays)
   */
  private String updateFilter(boolean v4, AddressSet ownedOnly) {
    L2Socket socket = v4 ? arpSocket : ndpSocket;
    Set<InetAddress> targets = unicastTargets;
    AddressSet owned = targets.isEmpty() ? ownedOnly : ownedOnly.withAll(targets);
    List<SocketFilter> choices = v4
        ? BpfFilters.arpChoices(owned.ipv4Values())
        : BpfFilters.ndpChoices(owned.ipv6LowValues());
    String error = null;
    for (SocketFilter choice : choices) {
      try {
        socket.setFilter(choice);
        if (error != null) {
          log.warn("op=filter interface={} family={} instructions={} msg=\"fell back to a "
              + "smaller filter: {}\"", interfaceName, v4 ? "ipv4" : "ipv6", choice.length(), error);
        }
        return null;
      } catch (RuntimeException e) {
        error = String.valueOf(e.getMessage());
      }
    }
    log.error("op=filter interface={} family={} msg=\"{}\"", interfaceName, v4 ? "ipv4" : "ipv6",
        error);
    return error;
  }

  private void leaveQuietly(Inet6Address vip) {
    try {
      groups.leave(vip);
    } catch (RuntimeException e) {
      log.warn("op=leave interface={} vip={} msg=\"{}\"", interfaceName, IpText.format(vip),
          e.getMessage());
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
    unicast.close();
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
