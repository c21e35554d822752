package dev.vipd.testlab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ShTest {

  @Test
  void returnsTheOutputOfASuccessfulCommand() {
    assertThat(Sh.run("sh", "-c", "echo out; echo err >&2")).isEqualTo("out\nerr\n");
  }

  @Test
  void failureShowsExitCodeAndOutput() {
    assertThatThrownBy(() -> Sh.run("sh", "-c", "echo what went wrong; exit 3"))
        .hasMessageContaining("exit code 3")
        .hasMessageContaining("what went wrong");
  }

  @Test
  void execReportsANonZeroExitWithoutFailing() {
    Sh.Result result = Sh.exec(Duration.ofSeconds(5), "sh", "-c", "echo x; exit 1");
    assertThat(result.succeeded()).isFalse();
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.output()).isEqualTo("x\n");
  }

  @Test
  void commandThatOutlivesItsTimeoutIsKilled() {
    long start = System.nanoTime();
    assertThatThrownBy(() -> Sh.run(Duration.ofMillis(200), "sleep", "30"))
        .hasMessageContaining("timed out");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void findsCommandsOnThePath() {
    assertThat(Sh.hasCommand("sh")).isTrue();
    assertThat(Sh.hasCommand("no-such-command-vipd")).isFalse();
  }
}
