package dev.vipd.protocol.raw;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.LongSupplier;

/**
 * The {@code vipd_frames_dropped_total{interface,reason}} meters of the raw sockets on one
 * interface, for reasons {@code socket-buffer}, {@code send-error}, {@code receive-error}, {@code
 * oversize} and {@code handler-error}.
 *
 * <p>An interface usually has two sockets (ARP and IPv6) and the metric has no tag telling them
 * apart, so the sockets share one set of meters: registered when the first socket of an interface
 * opens, removed when the last one closes. The {@code socket-buffer} counter adds up the kernel's
 * {@code PACKET_STATISTICS} drops of the open sockets and the final drops of closed ones, so it
 * never goes backwards. Counters are looked up once: incrementing them allocates nothing.
 */
final class DropMeters {
  /** Exported by the Prometheus registry as {@code vipd_frames_dropped_total}. */
  static final String NAME = "vipd.frames.dropped";

  // One text for every reason: Prometheus keeps one HELP line per metric name.
  private static final String DESCRIPTION = "Frames dropped before or instead of handling, by reason";

  /** Meters per registry and interface; guarded by itself. */
  private static final Map<MeterRegistry, Map<String, DropMeters>> SHARED = new WeakHashMap<>();

  final Counter sendError;
  final Counter receiveError;
  final Counter oversize;
  final Counter handlerError;
  private final FunctionCounter socketBuffer;
  private final MeterRegistry registry;
  private final String interfaceName;
  private final List<LongSupplier> openSockets = new ArrayList<>(2); // guarded by SHARED
  private long closedDrops; // guarded by SHARED

  private DropMeters(MeterRegistry registry, String interfaceName) {
    this.registry = registry;
    this.interfaceName = interfaceName;
    Tags tags = Tags.of("interface", interfaceName);
    this.sendError = counter(tags, "send-error");
    this.receiveError = counter(tags, "receive-error");
    this.oversize = counter(tags, "oversize");
    this.handlerError = counter(tags, "handler-error");
    this.socketBuffer =
        FunctionCounter.builder(NAME, this, DropMeters::kernelDrops)
            .tags(tags.and("reason", "socket-buffer"))
            .description(DESCRIPTION)
            .register(registry);
  }

  /**
   * Returns the meters of {@code interfaceName}, registering them for the first socket.
   *
   * @param kernelDrops the socket's current {@code PACKET_STATISTICS} drop total
   */
  static DropMeters open(MeterRegistry registry, String interfaceName, LongSupplier kernelDrops) {
    synchronized (SHARED) {
      DropMeters meters =
          SHARED.computeIfAbsent(registry, r -> new HashMap<>())
              .computeIfAbsent(interfaceName, name -> new DropMeters(registry, name));
      meters.openSockets.add(kernelDrops);
      return meters;
    }
  }

  /**
   * Detaches a closed socket, keeping its final drop total; the last socket of the interface
   * removes the meters.
   */
  void close(LongSupplier kernelDrops, long finalDrops) {
    synchronized (SHARED) {
      if (!openSockets.remove(kernelDrops)) {
        return;
      }
      closedDrops += finalDrops;
      if (!openSockets.isEmpty()) {
        return;
      }
      Map<String, DropMeters> perInterface = SHARED.get(registry);
      perInterface.remove(interfaceName);
      if (perInterface.isEmpty()) {
        SHARED.remove(registry);
      }
      // Under the lock: a socket opening right now must register fresh meters, not these.
      for (Meter meter : List.of(sendError, receiveError, oversize, handlerError, socketBuffer)) {
        registry.remove(meter);
      }
    }
  }

  private double kernelDrops() {
    synchronized (SHARED) {
      long total = closedDrops;
      for (LongSupplier socket : openSockets) {
        total += socket.getAsLong();
      }
      return total;
    }
  }

  private Counter counter(Tags tags, String reason) {
    return Counter.builder(NAME)
        .tags(tags.and("reason", reason))
        .description(DESCRIPTION)
        .register(registry);
  }
}
