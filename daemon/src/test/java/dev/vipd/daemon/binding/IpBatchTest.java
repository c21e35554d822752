package dev.vipd.daemon.binding;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How {@code ip -force -batch -}'s standard error (as iproute2 6.1 prints it) maps to lines. */
class IpBatchTest {
  private static final List<String> KEYS = List.of("a", "b", "c", "d");

  @Test
  void eachRefusedLineFailsWithItsOwnMessage() {
    // Captured from ip -force -batch - in a namespace (iproute2 6.1).
    String stderr = "RTNETLINK answers: File exists\nCommand failed -:2\n"
        + "Error: ipv4: Address not found.\nCommand failed -:4\n";

    assertThat(IpBatch.failures(KEYS, failure(stderr))).containsExactly(
        Map.entry("b", "RTNETLINK answers: File exists"),
        Map.entry("d", "Error: ipv4: Address not found."));
  }

  @Test
  void aParseErrorStopsIpSoEveryLineAfterTheLastReportedFails() {
    // ip exits at a line it cannot parse, even with -force, and names no line.
    String stderr = "RTNETLINK answers: File exists\nCommand failed -:1\n"
        + "Error: any valid prefix is expected rather than \"198.51.100.300/32\".\n";

    Map<String, String> failed = IpBatch.failures(KEYS, failure(stderr));

    assertThat(failed).containsOnlyKeys("a", "b", "c", "d");
    assertThat(failed.get("a")).isEqualTo("RTNETLINK answers: File exists");
    assertThat(failed.get("c")).startsWith("Error: any valid prefix");
  }

  @Test
  void anIpThatNeverRanFailsEveryLine() {
    CommandException e = new CommandException("adding 4 local routes: cannot start ip",
        List.of("ip"), CommandException.NO_EXIT_CODE, "", null);

    assertThat(IpBatch.failures(KEYS, e)).containsOnlyKeys(KEYS)
        .containsValue("adding 4 local routes: cannot start ip");
  }

  @Test
  void runSendsOneLinePerKeyWithForce() {
    RecordingRunner runner = new RecordingRunner();
    Map<String, String> lines = new LinkedHashMap<>();
    lines.put("a", "route replace local 198.51.100.1/32 dev lo");
    lines.put("b", "route replace local 198.51.100.2/32 dev lo");

    assertThat(IpBatch.run(runner, "test", lines)).isEmpty();
    assertThat(runner.lines()).containsExactly("ip -force -batch - <<"
        + "route replace local 198.51.100.1/32 dev lo\nroute replace local 198.51.100.2/32 dev lo\n");
    assertThat(IpBatch.run(runner, "test", Map.of())).isEmpty();
    assertThat(runner.lines()).as("an empty batch runs nothing").hasSize(1);
  }

  private static CommandException failure(String stderr) {
    return CommandException.failed("batch", List.of("ip", "-force", "-batch", "-"), 1, stderr);
  }
}
