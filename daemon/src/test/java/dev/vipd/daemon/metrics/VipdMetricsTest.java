package dev.vipd.daemon.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class VipdMetricsTest {
  private final VipdMetrics metrics = new VipdMetrics("1.2.3-test");

  @AfterEach
  void close() {
    metrics.close();
  }

  @Test
  void exportsBuildInfoAndJvmMetrics() {
    String scrape = metrics.registry().scrape();

    assertThat(scrape)
        // Prometheus writes info metrics as gauges of exactly 1 (not 1.0).
        .contains("\nvipd_build_info{version=\"1.2.3-test\"} 1\n")
        .contains("jvm_memory_used_bytes{")
        .contains("jvm_gc_")
        .contains("jvm_threads_live_threads ")
        .contains("jvm_classes_loaded_classes ")
        .contains("system_cpu_count ")
        .contains("process_uptime_seconds ")
        .contains("process_files_open_files ");
  }

  @Test
  void everyConfiguredVipIsExportedAsNotOwnedWithRfc5952Tags() throws Exception {
    metrics.setConfiguredVips(
        Map.of(
            "web", List.of(ip("2001:db8:0:0:0:0:0:100"), ip("198.51.100.10")),
            "db", List.of(ip("203.0.113.5"))));

    assertThat(lines())
        .contains(
            "vipd_vip_owned{pool=\"web\",vip=\"2001:db8::100\"} 0.0",
            "vipd_vip_owned{pool=\"web\",vip=\"198.51.100.10\"} 0.0",
            "vipd_vip_owned{pool=\"db\",vip=\"203.0.113.5\"} 0.0");
  }

  @Test
  void ownershipAndEpochFollowUpdates() throws Exception {
    metrics.setConfiguredVips(Map.of("web", List.of(ip("2001:db8::100"), ip("198.51.100.10"))));

    assertThat(metrics.vipOwned("web", ip("2001:db8::100"), true)).isTrue();
    assertThat(metrics.vipEpoch(ip("2001:db8::100"), 42)).isTrue();

    assertThat(lines())
        .contains(
            "vipd_vip_owned{pool=\"web\",vip=\"2001:db8::100\"} 1.0",
            "vipd_vip_owned{pool=\"web\",vip=\"198.51.100.10\"} 0.0",
            "vipd_vip_epoch{vip=\"2001:db8::100\"} 42.0");

    metrics.vipOwned("web", ip("2001:db8::100"), false);
    assertThat(lines()).contains("vipd_vip_owned{pool=\"web\",vip=\"2001:db8::100\"} 0.0");
  }

  @Test
  void reloadRemovesOldVipsKeepsStayingOnesAndAddsNewOnes() throws Exception {
    metrics.setConfiguredVips(Map.of("web", List.of(ip("198.51.100.10"), ip("198.51.100.11"))));
    metrics.vipOwned("web", ip("198.51.100.10"), true);
    metrics.vipEpoch(ip("198.51.100.11"), 7);

    metrics.setConfiguredVips(Map.of("web", List.of(ip("198.51.100.10"), ip("198.51.100.12"))));

    assertThat(lines())
        .contains(
            "vipd_vip_owned{pool=\"web\",vip=\"198.51.100.10\"} 1.0",
            "vipd_vip_owned{pool=\"web\",vip=\"198.51.100.12\"} 0.0")
        .noneMatch(l -> l.contains("198.51.100.11"));
  }

  @Test
  void updatesForUnconfiguredVipsAreIgnored() throws Exception {
    metrics.setConfiguredVips(Map.of("web", List.of(ip("198.51.100.10"))));

    assertThat(metrics.vipOwned("web", ip("198.51.100.99"), true)).isFalse();
    assertThat(metrics.vipOwned("db", ip("198.51.100.10"), true)).isFalse();
    assertThat(metrics.vipEpoch(ip("198.51.100.99"), 3)).isFalse();

    assertThat(lines()).noneMatch(l -> l.contains("198.51.100.99") || l.contains("pool=\"db\""));
  }

  @Test
  void takeoverIsAHistogramInSecondsWithTheDocumentedBuckets() {
    metrics.takeoverSeconds().record(Duration.ofMillis(250));
    metrics.takeoverSeconds().record(Duration.ofSeconds(3));

    List<String> lines = lines();
    for (String le : List.of("0.005", "0.01", "0.025", "0.05", "0.1", "0.2", "0.3", "0.5", "0.8")) {
      assertThat(lines)
          .anyMatch(l -> l.startsWith("vipd_takeover_seconds_bucket{le=\"" + le + "\"}"));
    }
    assertThat(lines)
        .contains(
            "vipd_takeover_seconds_bucket{le=\"0.2\"} 0",
            "vipd_takeover_seconds_bucket{le=\"0.3\"} 1",
            "vipd_takeover_seconds_bucket{le=\"2.0\"} 1",
            "vipd_takeover_seconds_bucket{le=\"5.0\"} 2",
            "vipd_takeover_seconds_bucket{le=\"10.0\"} 2",
            "vipd_takeover_seconds_bucket{le=\"+Inf\"} 2",
            "vipd_takeover_seconds_count 2",
            "vipd_takeover_seconds_sum 3.25");
  }

  @Test
  void reloadsAreCountedByResultAndBothSeriesExistFromTheStart() {
    assertThat(lines())
        .contains(
            "vipd_config_reloads_total{result=\"success\"} 0.0",
            "vipd_config_reloads_total{result=\"failure\"} 0.0");

    metrics.configReload(true);
    metrics.configReload(true);
    metrics.configReload(false);

    assertThat(lines())
        .contains(
            "vipd_config_reloads_total{result=\"success\"} 2.0",
            "vipd_config_reloads_total{result=\"failure\"} 1.0");
  }

  private List<String> lines() {
    return metrics.registry().scrape().lines().toList();
  }

  private static InetAddress ip(String text) throws Exception {
    return InetAddress.getByName(text);
  }
}
