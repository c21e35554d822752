package dev.vipd.daemon.binding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandTest {

  private final Command direct = new Command(List.of(), Duration.ofSeconds(5));

  @Test
  void returnsStandardOutput() {
    assertThat(direct.run("echoing", List.of("echo", "hello", "vipd"))).isEqualTo("hello vipd\n");
  }

  @Test
  void putsThePrefixInFrontOfEveryCommand() {
    // With "echo" as prefix the command itself becomes echo's arguments.
    Command prefixed = new Command(List.of("echo", "in-namespace"), Duration.ofSeconds(5));
    assertThat(prefixed.run("routing", List.of("ip", "route", "show")))
        .isEqualTo("in-namespace ip route show\n");
  }

  @Test
  void failureCarriesWhatExitCodeStderrAndTheCapabilityHint() {
    List<String> argv =
        List.of("sh", "-c", "echo 'RTNETLINK answers: Operation not permitted' >&2; exit 2");
    assertThatThrownBy(() -> direct.run("adding local route 198.51.100.100/32", argv))
        .isInstanceOfSatisfying(
            CommandException.class,
            e -> {
              assertThat(e.getMessage())
                  .startsWith(
                      "adding local route 198.51.100.100/32: exit 2: RTNETLINK answers: Operation"
                          + " not permitted (vipd needs CAP_NET_ADMIN)")
                  .contains("[sh -c ");
              assertThat(e.exitCode()).isEqualTo(2);
              assertThat(e.stderr()).isEqualTo("RTNETLINK answers: Operation not permitted");
              assertThat(e.command()).isEqualTo(argv);
            });
  }

  @Test
  void failureWithoutPermissionProblemHasNoHint() {
    List<String> argv = List.of("sh", "-c", "echo 'Error: ipv4: Address not found.' >&2; exit 2");
    assertThatThrownBy(() -> direct.run("removing address", argv))
        .hasMessageStartingWith("removing address: exit 2: Error: ipv4: Address not found. [")
        .hasMessageNotContaining("CAP_NET_ADMIN");
  }

  @Test
  void killsACommandThatOverrunsItsTimeout() {
    Command impatient = new Command(List.of(), Duration.ofMillis(200));
    long start = System.nanoTime();
    assertThatThrownBy(() -> impatient.run("waiting", List.of("sleep", "30")))
        .isInstanceOf(CommandException.class)
        .hasMessageStartingWith("waiting: timed out after 200 ms [sleep 30]");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void missingProgramIsASetupErrorWithContext() {
    assertThatThrownBy(() -> direct.run("listing links", List.of("/nonexistent/ip", "link")))
        .isInstanceOf(CommandException.class)
        .hasMessageStartingWith("listing links: cannot start /nonexistent/ip: ")
        .hasMessageContaining("(is iproute2 installed?)");
  }

  @Test
  void refusesANonPositiveTimeout() {
    assertThatThrownBy(() -> new Command(List.of(), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid command timeout: PT0S (expected: positive)");
  }

  @Test
  void startedProcessMergesStderrIntoStdout() throws Exception {
    Process process = direct.start("watching", List.of("sh", "-c", "echo out; echo err >&2"));
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor()).isZero();
    assertThat(output).contains("out\n").contains("err\n");
  }
}
