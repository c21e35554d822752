package dev.vipd.testlab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NamespacesTest {

  @Test
  void commandsRunThroughIpNetnsExec() {
    assertThat(Namespaces.argv("vipdt-1-1-h", List.of("ip", "link")))
        .containsExactly("ip", "netns", "exec", "vipdt-1-1-h", "ip", "link");
  }

  @Test
  void onlyNamespacesOfDeadJvmsAreSwept() {
    assertThat(Namespaces.ownerAlive(Namespaces.PREFIX + ProcessHandle.current().pid() + "-1-h"))
        .isTrue();
    assertThat(Namespaces.ownerAlive(Namespaces.PREFIX + Long.MAX_VALUE + "-1-h")).isFalse();
    // Not a lab name this code made: left alone.
    assertThat(Namespaces.ownerAlive(Namespaces.PREFIX + "manual")).isTrue();
  }
}
