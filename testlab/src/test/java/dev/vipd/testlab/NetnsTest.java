package dev.vipd.testlab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NetnsTest {

  @Test
  void missingNamespaceIsReportedByName() {
    assertThatThrownBy(() -> Netns.call("vipd-no-such-ns", () -> 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("network namespace vipd-no-such-ns not found");
  }

  @Test
  void namesWithSlashesAreRefused() {
    assertThatThrownBy(() -> Netns.path("../etc"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Netns.path("a")).hasToString("/var/run/netns/a");
  }
}
