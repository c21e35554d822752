package dev.vipd.protocol.spi;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The one set of {@code vipd_frames_dropped_total{interface,reason}} meters of one interface,
 * built by whoever owns the interface's data plane and handed to its sockets and its responder.
 *
 * <p>Reasons: {@code socket-buffer} (the kernel's {@code PACKET_STATISTICS} drops), {@code
 * send-error}, {@code receive-error}, {@code oversize}, {@code handler-error} (the sockets), and
 * any other reason through {@link #counter(String)} (the responder's malformed-frame reasons).
 *
 * <p>An interface has two sockets (ARP and IPv6) and the metric has no tag telling them apart, so
 * they share this set: the {@code socket-buffer} counter adds up the drops of the attached
 * sockets and the final drops of detached ones, so it never goes backwards while the set lives.
 * {@link #close()} removes every meter of the set from the registry. Counters are looked up once:
 * incrementing them allocates nothing. Thread-safe.
 */
public final class FrameDrops implements AutoCloseable {
  /** Exported by the Prometheus registry as {@code vipd_frames_dropped_total}. */
  public static final String NAME = "vipd.frames.dropped";

  // One text for every reason: Prometheus keeps one HELP line per metric name.
  private static final String DESCRIPTION = "Frames dropped before or instead of handling, by reason";

  private final MeterRegistry registry;
  private final String interfaceName;
  private final Tags tags;
  private final Counter sendError;
  private final Counter receiveError;
  private final Counter oversize;
  private final Counter handlerError;
  private final Map<String, Counter> others = new ConcurrentHashMap<>();
  private final Object lock = new Object();
  private final List<LongSupplier> attached = new ArrayList<>(2); // guarded by lock
  private long detachedDrops; // guarded by lock
  private boolean closed; // guarded by lock

  public FrameDrops(MeterRegistry registry, String interfaceName) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.interfaceName = Objects.requireNonNull(interfaceName, "interfaceName");
    this.tags = Tags.of("interface", interfaceName);
    this.sendError = register("send-error");
    this.receiveError = register("receive-error");
    this.oversize = register("oversize");
    this.handlerError = register("handler-error");
    FunctionCounter.builder(NAME, this, FrameDrops::kernelDrops)
        .tags(tags.and("reason", "socket-buffer"))
        .description(DESCRIPTION)
        .register(registry);
  }

  public String interfaceName() {
    return interfaceName;
  }

  public Counter sendError() {
    return sendError;
  }

  public Counter receiveError() {
    return receiveError;
  }

  public Counter oversize() {
    return oversize;
  }

  public Counter handlerError() {
    return handlerError;
  }

  /** The counter for any other reason (registered on first use; keep the result). */
  public Counter counter(String reason) {
    return others.computeIfAbsent(reason, this::register);
  }

  /** Adds a socket's running {@code PACKET_STATISTICS} drop total to {@code socket-buffer}. */
  public void attach(LongSupplier kernelDrops) {
    synchronized (lock) {
      attached.add(Objects.requireNonNull(kernelDrops, "kernelDrops"));
    }
  }

  /** Detaches a closed socket, keeping its final drop total in {@code socket-buffer}. */
  public void detach(LongSupplier kernelDrops, long finalDrops) {
    synchronized (lock) {
      if (attached.remove(kernelDrops)) {
        detachedDrops += finalDrops;
      }
    }
  }

  /** Removes every meter of this set from the registry. Idempotent. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    for (Meter meter : registry.find(NAME).tags(tags).meters()) {
      registry.remove(meter);
    }
  }

  private double kernelDrops() {
    List<LongSupplier> sockets;
    long total;
    synchronized (lock) {
      sockets = List.copyOf(attached);
      total = detachedDrops;
    }
    for (LongSupplier socket : sockets) { // outside the lock: a socket may take its own lock
      total += socket.getAsLong();
    }
    return total;
  }

  private Counter register(String reason) {
    return Counter.builder(NAME)
        .tags(tags.and("reason", reason))
        .description(DESCRIPTION)
        .register(registry);
  }
}
