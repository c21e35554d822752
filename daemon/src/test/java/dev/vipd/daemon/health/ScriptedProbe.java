package dev.vipd.daemon.health;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;

/** Returns scripted results (P = pass, F = fail), then {@code after} forever; counts its calls. */
final class ScriptedProbe implements Probe {
  private final Deque<Boolean> script = new ArrayDeque<>();
  private final boolean after;
  final AtomicInteger calls = new AtomicInteger();

  ScriptedProbe(String results, boolean after) {
    for (char c : results.toCharArray()) {
      script.add(c == 'P');
    }
    this.after = after;
  }

  @Override
  public synchronized ProbeResult run() {
    calls.incrementAndGet();
    Boolean next = script.poll();
    boolean passed = next == null ? after : next;
    return new ProbeResult(passed, "scripted " + (passed ? "pass" : "fail"));
  }
}
