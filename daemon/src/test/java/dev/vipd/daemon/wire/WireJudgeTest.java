package dev.vipd.daemon.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vipd.daemon.wire.WireJudge.Check;
import dev.vipd.daemon.wire.WireJudge.Owner;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The wire check's verdicts on a fake ticker: misses, recovery, hold, self-suspicion. */
class WireJudgeTest {
  private static final long ROUND = TimeUnit.SECONDS.toNanos(2);
  private static final Owner H1 = new Owner("web", "h1", 100);
  private static final Owner H3 = new Owner("web", "h3", 300);

  private final AtomicLong now = new AtomicLong();
  private final WireJudge judge = new WireJudge(3, 30 * ROUND, now::get);

  private void round(Check... checks) {
    now.addAndGet(ROUND);
    judge.round(List.of(checks));
  }

  @Test
  void anOwnerIsSilentAfterExactlyMissesRoundsWithoutItsAnswer() {
    round(new Check(H1, WireResult.SILENT), new Check(H3, WireResult.ANSWERED));
    round(new Check(H1, WireResult.SILENT), new Check(H3, WireResult.ANSWERED));
    assertThat(judge.silent()).isEmpty();
    round(new Check(H1, WireResult.FOREIGN), new Check(H3, WireResult.ANSWERED));
    assertThat(judge.silent()).containsExactly(H1);
    assertThat(judge.suspect()).isFalse();
  }

  @Test
  void oneAnswerAmongTheOwnersProbesInARoundResetsTheCount() {
    round(new Check(H1, WireResult.SILENT));
    round(new Check(H1, WireResult.SILENT));
    round(new Check(H1, WireResult.SILENT), new Check(H1, WireResult.ANSWERED));
    round(new Check(H1, WireResult.SILENT));
    round(new Check(H1, WireResult.SILENT));
    assertThat(judge.silent()).isEmpty();
  }

  @Test
  void aSilentOwnerRecoversWhenItAnswersAgainOrAfterTheHold() {
    for (int i = 0; i < 3; i++) {
      round(new Check(H1, WireResult.SILENT), new Check(H3, WireResult.ANSWERED));
    }
    assertThat(judge.silent()).containsExactly(H1);
    round(new Check(H1, WireResult.ANSWERED));
    assertThat(judge.silent()).isEmpty();

    for (int i = 0; i < 3; i++) {
      round(new Check(H1, WireResult.SILENT), new Check(H3, WireResult.ANSWERED));
    }
    for (int i = 0; i < 29; i++) { // it lost its VIPs: not probed any more
      round(new Check(H3, WireResult.ANSWERED));
    }
    assertThat(judge.silent()).as("within the hold").containsExactly(H1);
    round(new Check(H3, WireResult.ANSWERED));
    assertThat(judge.silent()).as("30 rounds after its last miss").isEmpty();
  }

  @Test
  void aRestartOrLeavingTheViewClearsTheReport() {
    for (int i = 0; i < 3; i++) {
      round(new Check(H1, WireResult.SILENT), new Check(H3, WireResult.ANSWERED));
    }
    judge.retain(Set.of(new Owner("web", "h1", 101), H3));
    assertThat(judge.silent()).isEmpty();
  }

  @Test
  void aNodeWhoseEveryProbeFailsSuspectsItselfAndRecoversOnAnyAnswer() {
    round(new Check(H1, WireResult.SILENT), new Check(H3, WireResult.SILENT));
    round(new Check(H1, WireResult.SILENT), new Check(H3, WireResult.SILENT));
    round(); // a round without probes neither counts nor clears
    assertThat(judge.suspect()).isFalse();
    round(new Check(H1, WireResult.SILENT), new Check(H3, WireResult.SILENT));
    assertThat(judge.suspect()).isTrue();
    assertThat(judge.silent()).containsExactlyInAnyOrder(H1, H3); // published, flagged
    round(new Check(H1, WireResult.SILENT), new Check(H3, WireResult.ANSWERED));
    assertThat(judge.suspect()).isFalse();
    assertThat(judge.silent()).containsExactly(H1);
  }

  @Test
  void missesBelowOneAreRefused() {
    assertThatThrownBy(() -> new WireJudge(0, ROUND, now::get))
        .hasMessage("invalid misses: 0 (expected: >= 1)");
  }
}
