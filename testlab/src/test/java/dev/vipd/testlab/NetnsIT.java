package dev.vipd.testlab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetnsIT {

  @Test
  void taskRunsInsideTheNamespace() throws Exception {
    try (Namespaces lab = Namespaces.open()) {
      String ns = lab.add("netns");
      List<String> outside = interfaces();
      // A fresh namespace has only lo; the caller's thread stays where it was.
      assertThat(Netns.call(ns, NetnsIT::interfaces)).containsExactly("lo");
      assertThat(Netns.call(ns, () -> Thread.currentThread().getName())).isEqualTo("netns-" + ns);
      assertThat(interfaces()).isEqualTo(outside).contains("lo").hasSizeGreaterThan(1);
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
