package dev.vipd.cluster.election;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The step from the membership view to one election: which nodes take part, whether the cold
 * start is still settling (and so which VIPs may be placed), whether there is quorum and who
 * writes the ownership table. Pure: a function of its arguments, identical on every node that
 * sees the same view.
 *
 * @param input the election input
 * @param settling whether the cold-start settle holds new VIPs back ({@link #SETTLE_MILLIS})
 * @param quorum whether the view has quorum under the policy
 * @param writer the oldest verified, unsuspected member, or {@code null} when none qualifies
 */
public record Round(ElectionInput input, boolean settling, boolean quorum, String writer) {

  /**
   * Longest wait at a cold start for the configured peers before placing new VIPs, counted from
   * the moment this member joined: hosts booted together join within a few seconds of each
   * other. Not from the process start: Hazelcast's own start takes ~2 s, and more in a cold JVM,
   * which would eat the window of the first member.
   */
  public static final long SETTLE_MILLIS = 5_000;

  /**
   * Prepares one election.
   *
   * @param view the members, oldest first (Hazelcast's order, the same on every member); of two
   *     with one name only the older takes part
   * @param pools the configured pools
   * @param current the current owners with their epochs
   * @param policy the quorum policy
   * @param nowMillis the time on the clock of {@link Candidate#eligibleSinceMillis}
   * @param sinceJoinedMillis how long ago this member joined the cluster (monotonic)
   * @param expectedMembers how many members the configuration names (this node included)
   */
  public static Round of(
      List<Candidate> view,
      List<Pool> pools,
      Map<InetAddress, Ownership> current,
      Policy policy,
      long nowMillis,
      long sinceJoinedMillis,
      int expectedMembers) {
    List<Node> nodes = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<String> leaving = new HashSet<>();
    long published = 0;
    for (Candidate c : view) {
      if (c.published() && c.leaving()) {
        leaving.add(c.name());
      }
      if (c.published() && c.verified()) {
        published++;
      }
      if (names.add(c.name())) {
        nodes.add(c.node());
      }
    }
    // Cold start: while fewer members than configured have joined (and published their status)
    // and the window has not passed, VIPs nobody owns yet are not placed, so that hosts started
    // together share the VIPs instead of the first one taking all of them (ownership is sticky
    // afterwards). VIPs that already have an owner, or lose it, are never held back.
    boolean settling = sinceJoinedMillis < SETTLE_MILLIS && published < expectedMembers;
    ElectionInput input = new ElectionInput(nodes, settling ? ownedOnly(pools, current) : pools,
        current, leaving, policy, nowMillis);
    String writer = null;
    for (Node n : nodes) {
      if (n.verified() && !n.suspected()) {
        writer = n.name();
        break;
      }
    }
    return new Round(input, settling, Election.hasQuorum(input), writer);
  }

  /** The pools restricted to the VIPs that already have an owner. */
  static List<Pool> ownedOnly(List<Pool> pools, Map<InetAddress, Ownership> current) {
    List<Pool> restricted = new ArrayList<>();
    for (Pool p : pools) {
      List<InetAddress> keep = p.addresses().stream().filter(current::containsKey).toList();
      restricted.add(new Pool(p.name(), keep, p.nodeSelector(), p.preferredNodes(), p.preempt(),
          p.preemptDelay()));
    }
    return restricted;
  }
}
