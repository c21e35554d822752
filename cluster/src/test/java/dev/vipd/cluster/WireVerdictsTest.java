package dev.vipd.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vipd.cluster.WireVerdicts.Reporter;
import dev.vipd.cluster.auth.ClusterSecret;
import dev.vipd.cluster.member.NodeState;
import dev.vipd.cluster.member.WireState;
import dev.vipd.cluster.member.WireState.Silent;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Who is wire-silent, from the others' signed reports (issue 13): one trusted reporter suffices,
 * a self-suspecting one alone moves nothing, two corroborate, unverified members and reports
 * about an older incarnation count for nothing, and the reports survive sealing.
 */
class WireVerdictsTest {
  private static final long H1_START = 1_000;

  private static NodeState state(String name, Set<Silent> silent, boolean suspect) {
    return new NodeState(name, 7, 1, Set.of(), Set.of(), false, false, 0, Map.of("web", "d"), "",
        Set.of(), new WireState(Map.of("web", "02:00:00:00:00:0" + name.charAt(1)), silent,
            suspect));
  }

  private static Reporter owner() {
    return new Reporter("h1", H1_START, true, state("h1", Set.of(), false));
  }

  private static final Silent H1_WEB = new Silent("web", "h1", H1_START);

  @Test
  void oneTrustedReporterMakesTheOwnerSilentOnThatPoolOnly() {
    Map<String, Set<String>> silent = WireVerdicts.silentPools(List.of(owner(),
        new Reporter("h2", 7, true, state("h2", Set.of(H1_WEB), false)),
        new Reporter("h3", 7, true, state("h3", Set.of(), false))));
    assertThat(silent).isEqualTo(Map.of("h1", Set.of("web")));
  }

  @Test
  void aSelfSuspectingReporterAloneMovesNothingButTwoCorroborate() {
    Reporter suspectH2 = new Reporter("h2", 7, true, state("h2", Set.of(H1_WEB), true));
    assertThat(WireVerdicts.silentPools(List.of(owner(), suspectH2,
        new Reporter("h3", 7, true, state("h3", Set.of(), false))))).isEmpty();
    assertThat(WireVerdicts.silentPools(List.of(owner(), suspectH2,
        new Reporter("h3", 7, true, state("h3", Set.of(H1_WEB), true)))))
        .isEqualTo(Map.of("h1", Set.of("web")));
  }

  @Test
  void unverifiedMembersSelfReportsAndOlderIncarnationsCountForNothing() {
    Silent beforeRestart = new Silent("web", "h1", H1_START - 1);
    assertThat(WireVerdicts.silentPools(List.of(owner(),
        new Reporter("rogue", 7, false, state("r9", Set.of(H1_WEB), false)),
        new Reporter("h2", 7, true, state("h2", Set.of(beforeRestart), false)),
        new Reporter("h3", 7, true, state("h3", Set.of(new Silent("web", "h3", 7)), false)))))
        .isEmpty();
  }

  @Test
  void theWireStateSurvivesSealingAndAForgedOneDoesNotOpen() {
    NodeState s = state("h2", Set.of(H1_WEB, new Silent("db", "h3", 5)), true);
    ClusterSecret secret = ClusterSecret.of(new byte[32]);
    assertThat(NodeState.open(s.seal(secret), secret)).contains(s);
    byte[] other = new byte[32];
    other[0] = 1;
    assertThat(NodeState.open(s.seal(ClusterSecret.of(other)), secret)).isEmpty();
  }
}
