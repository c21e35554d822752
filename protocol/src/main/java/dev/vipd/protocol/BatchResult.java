package dev.vipd.protocol;

import java.net.InetAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a {@link Speaker} batch did to each of its VIPs: each one succeeds or fails on its own, so
 * one VIP the kernel refuses never holds back the others.
 *
 * @param succeeded the VIPs the batch took effect for, in the order given
 * @param failed the others, each with the stage that failed and the kernel's reason
 */
public record BatchResult(Set<InetAddress> succeeded, Map<InetAddress, Failure> failed) {

  /** The step that failed; {@link #tag()} is the {@code stage} tag of {@code vipd_vip_errors_total}. */
  public enum Stage {
    /** Joining the IPv6 solicited-node group (the VIP is not answered: no MLD report). */
    JOIN,
    /** No kernel filter that passes the VIP's frames could be attached (the VIP is not answered). */
    FILTER,
    /** Leaving the solicited-node group after a release (released anyway; a membership lingers). */
    LEAVE,
    /** The speaker was closed (its interface went away). */
    CLOSED;

    private final String tag = name().toLowerCase(Locale.ROOT);

    public String tag() {
      return tag;
    }
  }

  /** Why one VIP failed. */
  public record Failure(Stage stage, String reason) {
    public Failure {
      Objects.requireNonNull(stage, "stage");
      Objects.requireNonNull(reason, "reason");
    }
  }

  public BatchResult {
    succeeded = Collections.unmodifiableSet(new LinkedHashSet<>(succeeded));
    failed = Collections.unmodifiableMap(new LinkedHashMap<>(failed));
  }

  /** Whether no VIP failed. */
  public boolean allSucceeded() {
    return failed.isEmpty();
  }
}
