package dev.vipd.cluster;

import dev.vipd.cluster.ownership.Assignment;
import dev.vipd.cluster.ownership.OwnershipListener;
import dev.vipd.cluster.election.Reason;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** An {@link OwnershipListener} that records every call with its {@link System#nanoTime()}. */
final class Recorder implements OwnershipListener {
  /** One call. */
  record Event(String node, boolean acquired, InetAddress vip, long epoch, Reason reason,
      long nanos) {}

  private final String node;
  private final List<Event> log;
  final Map<InetAddress, Assignment> held = new ConcurrentHashMap<>();
  volatile long deadline;

  /** @param log shared between the recorders of one test to order events across nodes */
  Recorder(String node, List<Event> log) {
    this.node = node;
    this.log = log;
  }

  Recorder(String node) {
    this(node, new CopyOnWriteArrayList<>());
  }

  @Override
  public void acquired(Assignment a) {
    held.put(a.vip(), a);
    log.add(new Event(node, true, a.vip(), a.epoch(), a.reason(), System.nanoTime()));
  }

  @Override
  public void released(Assignment a, Reason reason) {
    held.remove(a.vip());
    log.add(new Event(node, false, a.vip(), a.epoch(), reason, System.nanoTime()));
  }

  @Override
  public void answerDeadline(long deadlineNanos) {
    deadline = deadlineNanos;
  }

  Set<InetAddress> vips() {
    return Set.copyOf(held.keySet());
  }

  List<Event> events() {
    return log.stream().filter(e -> e.node().equals(node)).toList();
  }
}
