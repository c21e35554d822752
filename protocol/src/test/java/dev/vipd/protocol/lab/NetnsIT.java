package dev.vipd.protocol.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetnsIT {

  @Test
  void taskRunsInsideTheNamespace() throws Exception {
    assumeThat(Files.readString(Path.of("/proc/self/status")))
        .as("network-namespace IT skipped: needs root").containsPattern("Uid:\\s+0\\s");
    assumeThat(Sh.hasCommand("ip")).as("network-namespace IT skipped: ip missing").isTrue();
    String ns = "vraw-" + ProcessHandle.current().pid() + "-netns";
    Sh.run("ip", "netns", "add", ns);
    try {
      List<String> outside = interfaces();
      // A fresh namespace has only lo; the caller's thread stays where it was.
      assertThat(Netns.call(ns, NetnsIT::interfaces)).containsExactly("lo");
      assertThat(Netns.call(ns, () -> Thread.currentThread().getName())).isEqualTo("netns-" + ns);
      assertThat(interfaces()).isEqualTo(outside).contains("lo").hasSizeGreaterThan(1);
    } finally {
      Sh.exec(Sh.DEFAULT_TIMEOUT, "ip", "netns", "del", ns);
    }
  }

  /** Interface names in the calling thread's network namespace. */
  private static List<String> interfaces() throws IOException {
    return Files.readAllLines(Path.of("/proc/thread-self/net/dev")).stream()
        .skip(2)
        .map(line -> line.substring(0, line.indexOf(':')).trim())
        .toList();
  }
}
