package dev.vipd.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * On a real multi-threaded scheduler, with callers on several threads: once {@code stop(vip)}
 * returns, no frame for the address is sent. Bounded by iteration counts, not by sleeping.
 */
class AnnouncerConcurrencyTest {

  @Test
  void noFrameLeavesAfterStopReturns() throws Exception {
    ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(4);
    ExecutorService callers = Executors.newFixedThreadPool(4);
    List<InetAddress> vips = AnnounceHarness.addresses(40);
    // An address is in here from before announce() until stop() has returned.
    ConcurrentHashMap.KeySetView<InetAddress, Boolean> active = ConcurrentHashMap.newKeySet();
    AtomicInteger sent = new AtomicInteger();
    AtomicInteger afterStop = new AtomicInteger();
    Announcer announcer = new Announcer("eth0", vip -> {
      sent.incrementAndGet();
      if (!active.contains(vip)) {
        afterStop.incrementAndGet();
      }
      return true;
    }, new AnnounceSettings(5, Duration.ofMillis(10), Duration.ofSeconds(1), 100_000),
        scheduler, System::nanoTime, vip -> true, () -> true, AnnouncementListener.NONE,
        new SimpleMeterRegistry());
    try {
      announcer.start();
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        List<InetAddress> mine = vips.subList(t * 10, t * 10 + 10);
        done.add(callers.submit(() -> {
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
          // Until the pump has sent plenty while addresses come and go (bounded by the deadline).
          for (int round = 0; sent.get() < 20_000 && System.nanoTime() - deadline < 0; round++) {
            InetAddress vip = mine.get(round % mine.size());
            if (active.contains(vip)) {
              announcer.stop(vip);
              active.remove(vip);
            } else {
              active.add(vip);
              announcer.announce(vip);
            }
            Thread.yield();
          }
          return null;
        }));
      }
      for (Future<?> future : done) {
        future.get(30, TimeUnit.SECONDS);
      }
      for (InetAddress vip : vips) {
        announcer.stop(vip);
        active.remove(vip);
      }
      int sentAtStop = sent.get();
      announcer.close();
      assertThat(afterStop.get()).isZero();
      assertThat(sentAtStop).isGreaterThanOrEqualTo(20_000);
      assertThat(announcer.announced()).isEmpty();
      assertThat(sent.get()).isEqualTo(sentAtStop);
    } finally {
      announcer.close();
      callers.shutdownNow();
      scheduler.shutdownNow();
      assertThat(callers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      assertThat(scheduler.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }
}
