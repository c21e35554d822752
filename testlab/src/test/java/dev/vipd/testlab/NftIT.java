package dev.vipd.testlab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The nftables faults and the CPU hog on a real two-host lab. */
class NftIT {

  @Test
  void cutDropsIpButNotArpLossDropsSomeAndClearRestores() {
    Assumptions.assumeTrue(Nft.available(), "nftables (nft) not installed; skipped");
    try (NetnsLab lab = NetnsLab.create(false)) {
      Host a = lab.host("a", "02:00:00:00:0a:01", "198.51.100.1/24");
      Host b = lab.host("b", "02:00:00:00:0a:02", "198.51.100.2/24");
      Host c = lab.host("c", "02:00:00:00:0a:03", "198.51.100.3/24");
      assertThat(a.exec("ping", "-c", "1", "-W", "1", "198.51.100.2").succeeded()).isTrue();

      Nft.cut(a, List.of("198.51.100.2"));
      assertThat(a.exec("ping", "-c", "1", "-W", "1", "198.51.100.2").succeeded())
          .as("IP to the cut peer").isFalse();
      assertThat(b.exec("ping", "-c", "1", "-W", "1", "198.51.100.1").succeeded())
          .as("IP from the cut peer").isFalse();
      assertThat(c.exec("ping", "-c", "1", "-W", "1", "198.51.100.1").succeeded())
          .as("another host still reaches a").isTrue();
      assertThat(b.exec("arping", "-c", "1", "-w", "2", "-I", "eth0", "198.51.100.1").succeeded())
          .as("layer 2 stays up").isTrue();
      assertThat(Nft.droppedPackets(a)).isPositive();
      Nft.clear(a);
      assertThat(a.exec("ping", "-c", "1", "-W", "1", "198.51.100.2").succeeded()).isTrue();
      assertThat(Nft.droppedPackets(a)).isZero();

      Nft.lossFrom(a, List.of("198.51.100.2"), 50);
      Sh.Result pings = b.exec("ping", "-c", "60", "-i", "0.01", "-W", "1", "-q", "198.51.100.1");
      long dropped = Nft.droppedPackets(a);
      System.out.println("nft 50 % loss: " + dropped + " of 60 echo requests dropped; "
          + pings.output().strip());
      assertThat(dropped).isBetween(10L, 50L);
    }
  }

  @Test
  void cpuHogLoopsRunInsideTheHostAndStopOnClose() {
    try (NetnsLab lab = NetnsLab.create(false)) {
      Host a = lab.host("a", "02:00:00:00:0a:01", "198.51.100.1/24");
      CpuHog hog = CpuHog.start(List.of(a), 2);
      try {
        assertThat(hog.running()).isEqualTo(2);
        assertThat(Sh.run("ip", "netns", "pids", a.namespace()).trim().split("\\s+")).hasSize(2);
      } finally {
        hog.close();
      }
      assertThat(hog.running()).isZero();
      assertThat(Sh.run("ip", "netns", "pids", a.namespace()).trim()).isEmpty();
    }
  }
}
