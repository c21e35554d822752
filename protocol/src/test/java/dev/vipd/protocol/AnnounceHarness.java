package dev.vipd.protocol;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * An {@link Announcer} on {@code eth0} wired to a virtual-time scheduler, a recording sink, a
 * settable ownership set and a recording listener. Times are virtual nanoseconds since the start.
 */
final class AnnounceHarness {
  static final String INTERFACE = "eth0";

  /** One call of the sink. */
  record Frame(InetAddress vip, long at, boolean ok) {}

  /** One call of the listener. */
  record First(InetAddress vip, long at) {}

  final AnnounceTestScheduler scheduler = new AnnounceTestScheduler();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final List<Frame> frames = new ArrayList<>();
  final List<First> firsts = new ArrayList<>();
  /** Addresses stillOwned() answers false for. */
  final Set<InetAddress> disowned = new HashSet<>();
  /** The announcer's gate (the responder's answer deadline in production); open by default. */
  volatile boolean gateOpen = true;
  /** Gate reads left before it opens by itself (-1: never); models a push racing the pump. */
  volatile int closedReads = -1;
  /** Decides which sends fail; none by default. */
  Predicate<InetAddress> failing = vip -> false;
  /** Runs inside the sink, before it records (to act "from another thread" mid-drain). */
  Consumer<InetAddress> onSend = vip -> { };
  final Announcer announcer;

  private boolean gate() {
    if (closedReads > 0 && --closedReads == 0) {
      boolean answer = gateOpen;
      gateOpen = true; // the deadline push lands right after this read
      return answer;
    }
    return gateOpen;
  }

  AnnounceHarness(AnnounceSettings settings) {
    announcer = new Announcer(INTERFACE, this::send, settings, scheduler, scheduler::nanoTime,
        vip -> !disowned.contains(vip), this::gate,
        (vip, nanoTime) -> firsts.add(new First(vip, nanoTime - AnnounceTestScheduler.START)),
        registry);
  }

  /** A started harness. */
  static AnnounceHarness started(AnnounceSettings settings) {
    AnnounceHarness harness = new AnnounceHarness(settings);
    harness.announcer.start();
    return harness;
  }

  private boolean send(InetAddress vip) {
    onSend.accept(vip);
    boolean ok = !failing.test(vip);
    frames.add(new Frame(vip, scheduler.elapsed(), ok));
    return ok;
  }

  void advance(Duration step) {
    scheduler.advance(step);
  }

  void advanceMillis(long millis) {
    scheduler.advance(Duration.ofMillis(millis));
  }

  /** Virtual times, in milliseconds, of the sink calls for {@code vip}. */
  List<Long> millisOf(InetAddress vip) {
    List<Long> times = new ArrayList<>();
    for (Frame frame : frames) {
      if (frame.vip().equals(vip)) {
        times.add(Duration.ofNanos(frame.at()).toMillis());
      }
    }
    return times;
  }

  double sentCount(String kind) {
    return registry.get("vipd.announcements").tags("interface", INTERFACE, "kind", kind)
        .counter().count();
  }

  double failedCount(String kind) {
    return registry.get("vipd.announcements.failed").tags("interface", INTERFACE, "kind", kind)
        .counter().count();
  }

  static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  /** {@code n} distinct addresses in 198.51.100.0/24 and 203.0.113.0/24, then 2001:db8::/32. */
  static List<InetAddress> addresses(int n) {
    List<InetAddress> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (i < 256) {
        out.add(ip("198.51.100." + i));
      } else if (i < 512) {
        out.add(ip("203.0.113." + (i - 256)));
      } else {
        out.add(ip("2001:db8::" + Integer.toHexString(i)));
      }
    }
    return out;
  }
}
