package dev.vipd.daemon.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vipd.daemon.binding.NetnsLab;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link LinkWatcher} against a real {@code ip monitor} in a lab namespace with a veth pair. */
class LinkWatcherIT {

  /** Generous: the kernel notifies within milliseconds. */
  private static final Duration BOUND = Duration.ofSeconds(5);

  private final List<String> events = Collections.synchronizedList(new ArrayList<>());
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private NetnsLab lab;
  private String ns;
  private LinkWatcher watcher;

  @BeforeEach
  void setUp() {
    lab = NetnsLab.open();
    ns = lab.namespace("link");
    addVeth();
    watcher =
        new LinkWatcher(
            lab.in(ns),
            Set.of("eth0"),
            new LinkListener() {
              @Override
              public void carrierChanged(String name, boolean up) {
                events.add("carrier " + name + " " + up);
              }

              @Override
              public void macChanged(String name, String newMac) {
                events.add("mac " + name + " " + newMac);
              }

              @Override
              public void recreated(String name, int newIndex) {
                events.add("recreated " + name + " " + newIndex);
              }

              @Override
              public void removed(String name) {
                events.add("removed " + name);
              }
            },
            scheduler);
    watcher.start();
  }

  @AfterEach
  void tearDown() {
    if (watcher != null) {
      watcher.close();
    }
    scheduler.shutdownNow();
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void seesCarrierLossAndReturnWhenThePeerGoesDownAndUp() {
    assertThat(watcher.current("eth0")).hasValueSatisfying(s -> assertThat(s.carrier()).isTrue());

    lab.run(ns, "ip link set p0 down");
    await().atMost(BOUND).until(() -> events.contains("carrier eth0 false"));
    lab.run(ns, "ip link set p0 up");
    await().atMost(BOUND).until(() -> events.contains("carrier eth0 true"));

    assertThat(events).containsExactly("carrier eth0 false", "carrier eth0 true");
  }

  @Test
  void seesAMacChange() {
    lab.run(ns, "ip link set eth0 address 02:00:5e:00:53:01");

    await().atMost(BOUND).until(() -> events.contains("mac eth0 02:00:5e:00:53:01"));
    assertThat(events).containsExactly("mac eth0 02:00:5e:00:53:01");
  }

  @Test
  void seesDeletionAndRecreationWithANewIndex() {
    int before = watcher.current("eth0").orElseThrow().index();

    lab.run(ns, "ip link del eth0");
    await().atMost(BOUND).until(() -> events.contains("removed eth0"));
    addVeth();

    await().atMost(BOUND).until(() -> watcher.current("eth0").map(LinkState::carrier).orElse(false));
    int after = watcher.current("eth0").orElseThrow().index();
    assertThat(after).isNotEqualTo(before);
    assertThat(events).contains("removed eth0", "recreated eth0 " + after);
    assertThat(events.indexOf("removed eth0")).isLessThan(events.indexOf("recreated eth0 " + after));
  }

  private void addVeth() {
    lab.run(ns, "ip link add eth0 type veth peer name p0");
    lab.run(ns, "ip link set eth0 up");
    lab.run(ns, "ip link set p0 up");
  }
}
