package dev.vipd.testlab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class NamespacesIT {

  @Test
  void closeStopsEveryProcessInsideAndDeletesTheNamespaces() throws Exception {
    Namespaces lab = Namespaces.open();
    String a;
    Process tracked;
    Process untracked;
    try {
      a = lab.add("a");
      String b = lab.add("b");
      assertThat(a).startsWith(Namespaces.PREFIX + ProcessHandle.current().pid() + "-")
          .endsWith("-a");
      assertThat(Namespaces.run(b, "ip", "-br", "link", "show", "lo").output()).contains("UP");
      // Kernel defaults, whatever the root namespace has (IPv4 conf/all is copied from it).
      assertThat(Namespaces.run(b, "sysctl", "-n", "net.ipv4.conf.all.arp_ignore",
          "net.ipv4.conf.all.arp_announce").output()).isEqualTo("0\n0\n");
      tracked = lab.spawn(a, "sleep", "60");
      // Started without the lab knowing: found by `ip netns pids` on close.
      untracked = new ProcessBuilder(Namespaces.argv(b, List.of("sleep", "60"))).start();
      assertThat(Namespaces.exec(a, "true").succeeded()).isTrue();
      assertThat(Namespaces.exec(a, "false").exitCode()).isEqualTo(1);
    } finally {
      lab.close();
    }
    assertThat(Processes.waitFor(tracked, Duration.ofSeconds(10))).isTrue();
    assertThat(Processes.waitFor(untracked, Duration.ofSeconds(10))).isTrue();
    assertThat(Files.exists(Netns.path(a))).isFalse();
    assertThat(Sh.run("ip", "netns", "list")).doesNotContain(lab.prefix());
  }

  @Test
  void openSweepsTheNamespacesOfDeadRunsOnly() throws Exception {
    Namespaces.assumeAvailable();
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    String dead = Namespaces.PREFIX + gone.pid() + "-1-swept";
    String alive = Namespaces.PREFIX + ProcessHandle.current().pid() + "-0-kept";
    try {
      Sh.run("ip", "netns", "add", dead);
      Sh.run("ip", "netns", "add", alive);
      Namespaces.open().close();
      assertThat(Files.exists(Netns.path(dead))).isFalse();
      assertThat(Files.exists(Netns.path(alive))).isTrue();
    } finally {
      Namespaces.delete(dead);
      Namespaces.delete(alive);
    }
  }
}
