package dev.vipd.cluster.member;

import com.hazelcast.cluster.Member;
import dev.vipd.cluster.auth.ClusterSecret;
import dev.vipd.cluster.auth.NodeIdentity;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the Hazelcast member list (oldest first, the same order on every member) into {@link
 * ViewMember}s and verifies each member's signed identity against its attributes and its actual
 * address. A failure is logged once per member incarnation and counted in {@code
 * vipd.cluster.verification.failures}. A second member claiming a name already taken by an older
 * member is reported unverified.
 *
 * <p>Not thread-safe: confine to one thread.
 */
public final class MembershipView {
  private static final Logger log = LoggerFactory.getLogger(MembershipView.class);

  private final ClusterSecret secret;
  private final Counter failures;
  private final Set<UUID> reported = new HashSet<>();

  public MembershipView(ClusterSecret secret, MeterRegistry registry) {
    this.secret = secret;
    this.failures =
        Counter.builder("vipd.cluster.verification.failures")
            .description("members whose signed identity did not verify")
            .register(registry);
  }

  /**
   * The address of the oldest member before the local one that carries {@code name} in its
   * attributes (verified or not), if any: two hosts configured with one name.
   */
  public static Optional<String> olderNamesake(Collection<Member> members, String name) {
    for (Member member : members) {
      if (member.localMember()) {
        return Optional.empty();
      }
      if (name.equals(member.getAttributes().get(MemberAttributes.NAME))) {
        return Optional.of(HostPort.of(member));
      }
    }
    return Optional.empty();
  }

  /** The members in Hazelcast's order. */
  public List<ViewMember> read(Collection<Member> members) {
    List<ViewMember> view = new ArrayList<>(members.size());
    Set<String> names = new HashSet<>();
    Set<UUID> present = new HashSet<>();
    for (Member member : members) {
      present.add(member.getUuid());
      String actual = HostPort.of(member);
      Map<String, String> attrs = member.getAttributes();
      String name = attrs.get(MemberAttributes.NAME);
      String problem = null;
      long start = 0;
      if (name == null || name.isBlank()) {
        name = "?" + actual;
        problem = "no vipd node name";
      } else {
        try {
          start = Long.parseLong(attrs.getOrDefault(MemberAttributes.START, ""));
          NodeIdentity identity = new NodeIdentity(name, actual, start);
          if (!actual.equals(attrs.get(MemberAttributes.ADDRESS))) {
            problem = "claims address " + attrs.get(MemberAttributes.ADDRESS);
          } else if (!NodeIdentity.verify(identity, attrs.get(MemberAttributes.TOKEN), secret)) {
            problem = "identity signature does not verify (different secret?)";
          }
        } catch (IllegalArgumentException e) {
          problem = "malformed identity: " + e.getMessage();
        }
      }
      ViewMember.Verification verification = problem == null
          ? ViewMember.Verification.VERIFIED : ViewMember.Verification.UNVERIFIABLE;
      if (problem == null && !names.add(name)) {
        problem = "name already taken by an older member";
        verification = ViewMember.Verification.DUPLICATE_NAME;
      }
      boolean verified = problem == null;
      if (!verified && reported.add(member.getUuid())) {
        failures.increment();
        log.warn("op=member-unverified node={} address={} problem=\"{}\"", name, actual, problem);
      }
      view.add(
          new ViewMember(
              name,
              actual,
              MemberAttributes.decodeLabels(attrs.get(MemberAttributes.LABELS)),
              start,
              verification,
              member.localMember()));
    }
    reported.retainAll(present);
    return view;
  }
}
