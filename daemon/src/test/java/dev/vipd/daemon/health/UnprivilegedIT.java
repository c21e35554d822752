package dev.vipd.daemon.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vipd.daemon.process.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A child started through {@link Unprivileged} has no capability, although this JVM (root, full
 * capabilities) or a dedicated user with ambient CAP_NET_RAW/CAP_NET_ADMIN would pass theirs on.
 */
class UnprivilegedIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static Unprivileged unprivileged;

  @BeforeAll
  static void requireRootAndSetpriv() throws Exception {
    Map<String, String> self = capabilities(Files.readString(Path.of("/proc/self/status")));
    assumeTrue(
        self.get("Uid").startsWith("0\t") && !self.get("CapEff").matches("0+"),
        "needs root with capabilities, this JVM has " + self);
    unprivileged = Unprivileged.detect();
    assumeTrue(unprivileged.dropsCapabilities(), "needs setpriv (Debian package util-linux)");
  }

  @Test
  void childOfARootProcessHasNoCapabilities() throws Exception {
    Map<String, String> child = childStatus(List.of());
    assertThat(child.get("Uid")).startsWith("0\t");
    assertNoCapabilities(child);
    assertThat(child.get("CapBnd")).matches("0+");
    assertThat(child.get("NoNewPrivs")).isEqualTo("1");
  }

  @Test
  void childOfAUserWithAmbientNetworkCapabilitiesHasNone() throws Exception {
    // vipd as systemd runs it: User=nobody, AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN.
    List<String> asDedicatedUser =
        List.of(
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--inh-caps=+net_raw,+net_admin",
            "--ambient-caps=+net_raw,+net_admin",
            "--");
    Map<String, String> control = run(new ArrayList<>(asDedicatedUser), false);
    assertThat(control.get("CapAmb"))
        .as("the control child inherits ambient caps")
        .isNotEqualTo("0000000000000000");
    Map<String, String> child = childStatus(asDedicatedUser);
    assertThat(child.get("Uid")).startsWith("65534\t");
    assertNoCapabilities(child);
  }

  private static Map<String, String> childStatus(List<String> prefix) throws Exception {
    return run(prefix, true);
  }

  private static Map<String, String> run(List<String> prefix, boolean wrap) throws Exception {
    List<String> grep = List.of("grep", "-E", "^(Uid|Cap|NoNewPrivs)", "/proc/self/status");
    List<String> argv = new ArrayList<>(prefix);
    argv.addAll(wrap ? unprivileged.wrap(grep) : grep);
    ChildProcess.Result result = ChildProcess.run(argv, Map.of(), TIMEOUT, 4096);
    assertThat(result.succeeded()).as(result.describe()).isTrue();
    return capabilities(result.output());
  }

  private static void assertNoCapabilities(Map<String, String> status) {
    assertThat(status.get("CapEff")).as("CapEff").isEqualTo("0000000000000000");
    assertThat(status.get("CapPrm")).as("CapPrm").isEqualTo("0000000000000000");
    assertThat(status.get("CapInh")).as("CapInh").isEqualTo("0000000000000000");
    assertThat(status.get("CapAmb")).as("CapAmb").isEqualTo("0000000000000000");
  }

  private static Map<String, String> capabilities(String status) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String line : status.split("\n")) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
      }
    }
    return fields;
  }
}
