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
 * @param writer the oldest verified, unsuspected member not on standby, or {@code null} when none
 *     qualifies
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
   * @param poolAgesMillis how long this node has had each pool as it is now (name to age,
   *     monotonic); a pool not in the map counts as old
   */
  public static Round of(
      List<Candidate> view,
      List<Pool> pools,
      Map<InetAddress, Ownership> current,
      Policy policy,
      long nowMillis,
      long sinceJoinedMillis,
      int expectedMembers,
      Map<String, Long> poolAgesMillis) {
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
        nodes.add(c.node(pools));
      }
    }
    // Cold start: while fewer members than configured have joined (and published their status)
    // and the window has not passed, VIPs nobody owns yet are not placed, so that hosts started
    // together share the VIPs instead of the first one taking all of them (ownership is sticky
    // afterwards). VIPs that already have an owner, or lose it, are never held back.
    boolean settling = sinceJoinedMillis < SETTLE_MILLIS && published < expectedMembers;
    // Rolling reload: a pool this node loaded (or changed) less than the window ago, that a
    // published member matching its selector has not loaded the same way yet, places nothing
    // new until they all have (or the window passed): otherwise the first host to reload would
    // get every new VIP and keep it (stickiness), as with the cold start above.
    List<Pool> placed = new ArrayList<>(pools.size());
    for (Pool p : pools) {
      boolean held = settling || (poolAgesMillis.getOrDefault(p.name(), SETTLE_MILLIS)
          < SETTLE_MILLIS && !loadedEverywhere(p, view));
      placed.add(held ? ownedOnly(p, current) : p);
    }
    ElectionInput input = new ElectionInput(nodes, placed, current, leaving, policy, nowMillis);
    String writer = null;
    for (Node n : nodes) {
      if (n.verified() && !n.suspected() && !n.standby()) {
        writer = n.name();
        break;
      }
    }
    return new Round(input, settling, Election.hasQuorum(input), writer);
  }

  /** Whether every published, verified member that {@code p}'s selector matches loaded it. */
  private static boolean loadedEverywhere(Pool p, List<Candidate> view) {
    String digest = p.digest();
    for (Candidate c : view) {
      if (c.published() && c.verified() && !c.standby() && c.labelsMatch(p.nodeSelector())
          && !digest.equals(c.loadedPools().get(p.name()))) {
        return false;
      }
    }
    return true;
  }

  /** The pool restricted to the VIPs that already have an owner. */
  static Pool ownedOnly(Pool p, Map<InetAddress, Ownership> current) {
    List<InetAddress> keep = p.addresses().stream().filter(current::containsKey).toList();
    return new Pool(p.name(), keep, p.nodeSelector(), p.preferredNodes(), p.preempt(),
        p.preemptDelay());
  }
}
