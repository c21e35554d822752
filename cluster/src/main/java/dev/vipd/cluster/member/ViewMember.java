package dev.vipd.cluster.member;

import java.util.Map;

/**
 * One Hazelcast member as read from its attributes.
 *
 * @param name its node name (or {@code ?host:port} when it published none)
 * @param address its Hazelcast address
 * @param labels its labels
 * @param startTimeMillis its incarnation's start time, 0 when unreadable
 * @param verified whether its identity token checked out
 * @param self whether it is the local member
 */
public record ViewMember(
    String name,
    String address,
    Map<String, String> labels,
    long startTimeMillis,
    boolean verified,
    boolean self) {

  public ViewMember {
    labels = Map.copyOf(labels);
  }
}
