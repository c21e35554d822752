package dev.vipd.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vipd.daemon.e2e.E2eLab.Node;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two hosts configured with one name (issue 8, rule 6): a fourth {@code vipd run}, on the client's
 * host, calls itself h1 while h1 runs. The younger one exits 3 with one line naming the other
 * member's address; the older one is undisturbed and every VIP is answered by exactly one MAC.
 */
class E2eDuplicateNameIT extends E2eLabTest {
  @Override
  String labName() {
    return "duplicate-name";
  }

  @Test
  void theYoungerOfTwoNodesWithOneNameExitsThreeNamingTheOlder() throws Exception {
    Node h1 = e2e.node("h1");
    Map<String, String> before = e2e.awaitConverged(Duration.ofSeconds(30));
    Path config = e2e.dir.resolve("dup.conf");
    Files.writeString(config, e2e.configText(h1)
        .replace("bind = \"" + h1.address() + "\"", "bind = \"198.51.100.9\"")
        .replace(h1.address() + ":9476", "198.51.100.9:9476")
        .replace(h1.socket.toString(), e2e.dir.resolve("dup.sock").toString())
        .replace(h1.drained.toString(), e2e.dir.resolve("dup.drained").toString()));
    Path stdout = e2e.dir.resolve("dup.log");
    Path stderr = e2e.dir.resolve("dup.stderr");
    Process dup = new ProcessBuilder(List.of("ip", "netns", "exec", e2e.client.namespace(),
        E2eLab.java(), "-Xmx160m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar",
        E2eLab.locateJar().toString(), "run", "--config", config.toString()))
        .redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .start();
    try {
      assertThat(E2eLab.waitFor(dup, Duration.ofSeconds(90))).as("the duplicate exits").isTrue();
      String err = Files.readString(stderr).strip();
      System.out.printf("E2E duplicate name: exit %d, stderr: %s%n", dup.exitValue(), err);
      assertThat(dup.exitValue()).as(err + "\n" + Files.readString(stdout)).isEqualTo(3);
      assertThat(err).doesNotContain("\n")
          .contains("node name \"h1\" is already used by the cluster member at "
              + h1.address());
      assertThat(h1.running()).isTrue();
      Duration took = AnsweringMacs.awaitExactlyOne(e2e.client, e2e.allVips(),
          Duration.ofSeconds(5));
      assertThat(e2e.awaitConverged(Duration.ofSeconds(10))).isEqualTo(before);
      System.out.printf("E2E duplicate name: every VIP answered by one MAC (checked in %d ms),"
          + " owners unchanged%n", took.toMillis());
    } finally {
      if (dup.isAlive()) {
        dup.destroyForcibly();
        E2eLab.waitFor(dup, Duration.ofSeconds(5));
      }
    }
  }
}
