package dev.vipd.daemon;

import static dev.vipd.daemon.VipFaultsTest.address;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UnservableReporterTest {
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private final List<Set<InetAddress>> published = new ArrayList<>();
  private final UnservableReporter reporter = new UnservableReporter(tasks::add, published::add);

  @Test
  void nothingRunsOnTheCallersThreadAndSetsQueuedMeanwhileCollapseIntoTheNewest() {
    InetAddress a = address("198.51.100.1");
    InetAddress b = address("198.51.100.2");
    reporter.unservable(Set.of(a));
    reporter.unservable(Set.of(a, b));
    reporter.unservable(Set.of(b));

    assertThat(published).as("the caller never publishes").isEmpty();
    assertThat(tasks).hasSize(1);
    tasks.poll().run();
    assertThat(published).containsExactly(Set.of(b));

    reporter.unservable(Set.of());
    tasks.poll().run();
    reporter.republish();
    tasks.poll().run();
    assertThat(published).containsExactly(Set.of(b), Set.of(), Set.of());
  }
}
