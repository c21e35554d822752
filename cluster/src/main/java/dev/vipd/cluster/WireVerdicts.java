package dev.vipd.cluster;

import dev.vipd.cluster.member.NodeState;
import dev.vipd.cluster.member.ViewMember;
import dev.vipd.cluster.member.WireState.Silent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Which members are wire-silent on which pools, from the signed reports of the others (issue 13).
 * Only verified, published members' reports count (their node states are sealed with the
 * cluster secret: a member without it cannot make an owner ineligible), and only reports about
 * the owner's current incarnation (a restart clears them). A report counts when its reporter
 * does not suspect its own checks, or when at least two members report the same owner: one
 * broken checker fails for every owner, suspects itself and moves nothing alone; two checkers
 * that both see only one owner silent are unlikely to be both broken. Pure.
 */
final class WireVerdicts {
  /** Reports about one owner needed when every reporter suspects itself. */
  static final int CORROBORATING_REPORTERS = 2;

  private WireVerdicts() {}

  /** One member as the verdict reads it; {@code state} null when it has not published. */
  record Reporter(String name, long startTimeMillis, boolean verified, NodeState state) {}

  /** {@link #silentPools} of the view, each member's state as {@code states} knows it. */
  static Map<String, Set<String>> of(Iterable<ViewMember> view, Predicate<ViewMember> verified,
      Function<ViewMember, NodeState> states) {
    List<Reporter> members = new ArrayList<>();
    for (ViewMember m : view) {
      members.add(new Reporter(m.name(), m.startTimeMillis(), verified.test(m), states.apply(m)));
    }
    return silentPools(members);
  }

  /** Member name to the pools on whose link the others found it silent (absent: none). */
  static Map<String, Set<String>> silentPools(List<Reporter> members) {
    Map<String, Long> incarnation = new HashMap<>();
    for (Reporter m : members) {
      incarnation.put(m.name(), m.startTimeMillis());
    }
    Map<Silent, Integer> reporters = new HashMap<>();
    Set<Silent> trusted = new HashSet<>();
    for (Reporter m : members) {
      if (!m.verified() || m.state() == null) {
        continue;
      }
      for (Silent s : m.state().wire().silent()) {
        Long current = incarnation.get(s.node());
        if (s.node().equals(m.name()) || current == null || current != s.startTimeMillis()) {
          continue;
        }
        reporters.merge(s, 1, Integer::sum);
        if (!m.state().wire().suspect()) {
          trusted.add(s);
        }
      }
    }
    Map<String, Set<String>> silent = new HashMap<>();
    reporters.forEach((s, count) -> {
      if (trusted.contains(s) || count >= CORROBORATING_REPORTERS) {
        silent.computeIfAbsent(s.node(), n -> new HashSet<>()).add(s.pool());
      }
    });
    return silent;
  }
}
