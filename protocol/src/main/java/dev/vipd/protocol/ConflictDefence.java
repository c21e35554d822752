package dev.vipd.protocol;

import dev.vipd.protocol.wire.InetAddresses;
import dev.vipd.protocol.wire.MacAddress;
import java.net.InetAddress;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RFC 5227 section 2.4 defence policy for addresses this node owns: when another MAC claims
 * one, re-announce it at most once per {@link #DEFEND_INTERVAL_NANOS} per address, so that two
 * hosts that both believe they own it never start a GARP war. A claim that the caller expects (the
 * successor announcing during a hand-over) is neither counted nor defended.
 *
 * <p>The epoch, not this policy, settles a conflict with another cluster member: the ownership
 * table moves the address away from the loser, whose defence stops with the release.
 *
 * <p>Runs on the receive thread for every claiming frame: it never blocks, and is thread-safe
 * (several interfaces' event loops may call it).
 */
public final class ConflictDefence implements ConflictListener {
  private static final Logger log = LoggerFactory.getLogger(ConflictDefence.class);

  /** RFC 5227 section 2.4 (DEFEND_INTERVAL): at most one defence per address per 10 s. */
  public static final long DEFEND_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final LongSupplier nanoClock;
  private final Predicate<InetAddress> expected;
  private final Consumer<InetAddress> defend;
  /** Address to the monotonic time of its last defence. */
  private final Map<InetAddress, Long> lastDefence = new ConcurrentHashMap<>();

  /**
   * @param nanoClock a monotonic clock ({@code System::nanoTime} in production)
   * @param expected whether a claim on an address is expected right now (a hand-over)
   * @param defend re-announces an address; must not block
   */
  public ConflictDefence(
      LongSupplier nanoClock, Predicate<InetAddress> expected, Consumer<InetAddress> defend) {
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    this.expected = Objects.requireNonNull(expected, "expected");
    this.defend = Objects.requireNonNull(defend, "defend");
  }

  @Override
  public boolean conflict(InetAddress vip, long otherMac) {
    if (expected.test(vip)) {
      log.debug("op=handover vip={} other_mac={} msg=\"successor announcing\"",
          InetAddresses.format(vip), MacAddress.of(otherMac));
      return false;
    }
    long now = nanoClock.getAsLong();
    boolean[] defended = {false};
    lastDefence.compute(vip, (k, last) -> {
      if (last == null || now - last >= DEFEND_INTERVAL_NANOS) {
        defended[0] = true;
        return now;
      }
      return last;
    });
    log.warn("op=conflict vip={} other_mac={} defend={} msg=\"another host claims an owned VIP\"",
        InetAddresses.format(vip), MacAddress.of(otherMac), defended[0]);
    if (defended[0]) {
      defend.accept(vip);
    }
    return true;
  }
}
