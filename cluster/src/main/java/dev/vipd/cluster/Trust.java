package dev.vipd.cluster;

import dev.vipd.cluster.member.ViewMember;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this node trusts its own cluster secret, by one rule:
 *
 * <ul>
 *   <li>a node that has verified at least one peer since it started, or that has never seen an
 *       unverifiable member, trusts itself and keeps serving beside unverifiable members;
 *   <li>a node that has seen only unverifiable members owns nothing until it verifies a peer, and
 *       that lasts after those members are gone.
 * </ul>
 *
 * <p>Why: a node whose own key is wrong sees every other member as unverifiable. Deciding from
 * the current view alone fails both ways: an honest node left beside a wrong-key joiner (its
 * honest peer died) would release everything, and a wrong-key node left alone (the honest ones
 * died) would take every VIP and answer beside them when they return. What a node has verified
 * since it started tells the two apart. A member with a valid identity but a duplicate name is
 * not unverifiable (this node can check it) and does not count. The residual case: an honest
 * node that never had a verified peer and then sees a wrong-key joiner cannot tell that it is
 * not itself the odd one, and waits for a second honest member. Unverifiable members never count
 * toward quorum or placement either way.
 *
 * <p>Not thread-safe: confined to the cluster thread.
 */
final class Trust {
  private static final Logger log = LoggerFactory.getLogger(Trust.class);

  private final String self;
  private boolean verifiedPeer;
  private final Set<String> unverifiable = new TreeSet<>();
  private boolean trusted = true;

  Trust(String self) {
    this.self = self;
  }

  /** Takes one view into account; logs when the verdict changes. */
  void observe(List<ViewMember> view) {
    for (ViewMember m : view) {
      if (m.self() || m.name().equals(self)) {
        continue;
      }
      if (m.verified()) {
        verifiedPeer = true;
      } else if (m.unverifiable()) {
        note(m.name() + "@" + m.address());
      }
    }
    decide();
  }

  /**
   * A node-status value of another node that does not verify here: a member wrote it, and this
   * node could not check it, which counts like seeing that member. It covers a node that joined
   * while the others were up and saw them leave before its first look at the view (their values
   * stay in the tables it read when it joined).
   */
  void unverifiableValue(String writer) {
    if (!writer.equals(self)) {
      note(writer + " (its node-status value)");
      decide();
    }
  }

  private void note(String what) {
    if (!verifiedPeer && unverifiable.size() < 16) {
      unverifiable.add(what);
    }
  }

  private void decide() {
    boolean now = verifiedPeer || unverifiable.isEmpty();
    if (now == trusted) {
      return;
    }
    trusted = now;
    if (!trusted) {
      log.error("op=self-untrusted node={} problem=\"{}\" fix=\"{}\"", self, problem(), FIX);
    } else {
      log.info("op=self-trusted node={} reason=\"verified a peer\"", self);
    }
  }

  private static final String FIX = "give cluster.secret-file the same key on every host (during"
      + " a rotation, the others' key as the second key) and restart this node";

  /** Whether this node may own VIPs as far as its key is concerned. */
  boolean trusted() {
    return trusted;
  }

  /** Why this node does not trust itself, and what to fix; null when it does. */
  String problem() {
    if (trusted) {
      return null;
    }
    return "since it started this node has verified no peer and could not verify " + unverifiable
        + ": its cluster secret probably differs from the others'; owning nothing until it"
        + " verifies a peer. Fix: " + FIX;
  }
}
