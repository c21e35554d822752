package dev.vipd.daemon.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Commands run when this node acquires or releases a VIP, as argv lists (no shell). Empty lists
 * mean no hook.
 */
public record HooksConfig(List<String> onAcquire, List<String> onRelease, Duration timeout) {

  public HooksConfig {
    onAcquire = List.copyOf(onAcquire);
    onRelease = List.copyOf(onRelease);
    Objects.requireNonNull(timeout, "timeout");
  }
}
