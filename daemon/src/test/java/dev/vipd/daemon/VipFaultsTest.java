package dev.vipd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VipFaultsTest {
  private static final InetAddress VIP = address("198.51.100.7");

  private long now = 1_000_000_000L;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final VipFaults faults = new VipFaults(registry, () -> now);

  @Test
  void aFailureIsCountedByStageUnservableAndRetriedWithDoublingBackoff() {
    faults.failed(VIP, "bind", "RTNETLINK answers: File exists");

    assertThat(errors("bind")).isEqualTo(1.0);
    assertThat(faults.unservable()).containsExactly(VIP);
    assertThat(faults.nextDueInNanos()).isEqualTo(VipFaults.FIRST_RETRY.toNanos());
    advance(Duration.ofMillis(999));
    assertThat(faults.due(Set.of(VIP))).isEmpty();
    advance(Duration.ofMillis(1));
    assertThat(faults.due(Set.of(VIP))).containsExactly(VIP);

    faults.failed(VIP, "bind", "RTNETLINK answers: File exists");
    assertThat(faults.nextDueInNanos()).isEqualTo(2 * VipFaults.FIRST_RETRY.toNanos());
    for (int i = 0; i < 10; i++) {
      faults.failed(VIP, "bind", "again");
    }
    assertThat(faults.nextDueInNanos()).as("capped").isEqualTo(VipFaults.MAX_RETRY.toNanos());
    assertThat(errors("bind")).isEqualTo(12.0);
    VipFaults.Fault fault = faults.snapshot().get(VIP);
    assertThat(fault.stage()).isEqualTo("bind");
    assertThat(fault.attempts()).isEqualTo(12);
    assertThat(fault.retryInMillis()).isEqualTo(VipFaults.MAX_RETRY.toMillis());
  }

  @Test
  void successClearsTheFault() {
    faults.failed(VIP, "join", "No buffer space available");
    faults.succeeded(VIP);

    assertThat(faults.unservable()).isEmpty();
    assertThat(faults.snapshot()).isEmpty();
    assertThat(faults.nextDueInNanos()).isEqualTo(-1);
    assertThat(errors("join")).as("the count stays").isEqualTo(1.0);
  }

  @Test
  void aReleasedVipIsOfferedAgainAtItsRetryTimeAndKeepsItsBackoff() {
    faults.failed(VIP, "filter", "Cannot allocate memory");
    advance(VipFaults.FIRST_RETRY);

    assertThat(faults.due(Set.of())).as("not wanted: no attempt").isEmpty();
    assertThat(faults.unservable()).as("the cluster may place it here again").isEmpty();
    assertThat(faults.nextDueInNanos()).isEqualTo(-1);

    faults.failed(VIP, "filter", "Cannot allocate memory");
    assertThat(faults.nextDueInNanos()).isEqualTo(2 * VipFaults.FIRST_RETRY.toNanos());
  }

  @Test
  void aCountedFailureIsNeitherRetriedNorUnservable() {
    faults.counted(VIP, "leave", "Invalid argument");

    assertThat(errors("leave")).isEqualTo(1.0);
    assertThat(faults.unservable()).isEmpty();
    assertThat(faults.snapshot()).isEmpty();
  }

  static InetAddress address(String text) {
    try {
      return InetAddress.getByName(text);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  private void advance(Duration d) {
    now += d.toNanos();
  }

  private double errors(String stage) {
    return registry.get("vipd.vip.errors").tag("vip", "198.51.100.7").tag("stage", stage)
        .counter().count();
  }
}
