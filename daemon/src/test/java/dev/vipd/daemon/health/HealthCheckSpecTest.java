package dev.vipd.daemon.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HealthCheckSpecTest {
  private static final HealthCheckSpec.Timing TIMING =
      new HealthCheckSpec.Timing(Duration.ofSeconds(1), Duration.ofMillis(500), 2, 3);

  @ParameterizedTest
  @CsvSource({
    "1000, 500, 0, 1, invalid rise: 0 (expected: 1-100)",
    "1000, 500, 101, 1, invalid rise: 101 (expected: 1-100)",
    "1000, 500, 1, 0, invalid fall: 0 (expected: 1-100)",
    "1000, 1000, 1, 1, 'invalid timeout: 1000ms (expected: 1ms-999ms, less than the interval)'",
    "1000, 0, 1, 1, 'invalid timeout: 0ms (expected: 1ms-999ms, less than the interval)'",
    "5, 1, 1, 1, invalid interval: 5ms (expected: 10ms-3600000ms)",
  })
  void timingRejectsOutOfRangeValues(
      long intervalMillis, long timeoutMillis, int rise, int fall, String message) {
    assertThatThrownBy(
            () ->
                new HealthCheckSpec.Timing(
                    Duration.ofMillis(intervalMillis),
                    Duration.ofMillis(timeoutMillis),
                    rise,
                    fall))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void tcpValidatesNameHostAndPort() {
    assertThatThrownBy(() -> new HealthCheckSpec.Tcp("web", "127.0.0.1", 70000, TIMING))
        .hasMessage("invalid port: 70000 (expected: 1-65535)");
    assertThatThrownBy(() -> new HealthCheckSpec.Tcp("web", " ", 80, TIMING))
        .hasMessage("invalid host: \" \" (expected: a name or address)");
    assertThatThrownBy(() -> new HealthCheckSpec.Tcp("a b", "127.0.0.1", 80, TIMING))
        .hasMessageStartingWith("invalid check name: \"a b\"");
    assertThat(new HealthCheckSpec.Tcp("db-1.primary", "db", 5432, TIMING).port()).isEqualTo(5432);
  }

  @Test
  void httpDefaultsToSuccessAndRedirectStatusesAndValidatesTheRange() {
    HealthCheckSpec.Http http =
        new HealthCheckSpec.Http("web", URI.create("http://127.0.0.1:8080/healthz"), TIMING);
    assertThat(http.expectMin()).isEqualTo(200);
    assertThat(http.expectMax()).isEqualTo(399);
    URI url = URI.create("http://127.0.0.1/");
    assertThatThrownBy(() -> new HealthCheckSpec.Http("web", url, 300, 299, TIMING))
        .hasMessage("invalid expectMax: 299 (expected: 300-599)");
    assertThatThrownBy(() -> new HealthCheckSpec.Http("web", url, 99, 299, TIMING))
        .hasMessage("invalid expectMin: 99 (expected: 100-599)");
    assertThatThrownBy(
            () -> new HealthCheckSpec.Http("web", URI.create("ftp://127.0.0.1/"), TIMING))
        .hasMessage("invalid url: ftp://127.0.0.1/ (expected: http:// or https:// with a host)");
  }

  @Test
  void execCopiesArgvAndRefusesAnEmptyCommand() {
    List<String> argv = new ArrayList<>(List.of("/usr/local/bin/check", "--quick"));
    HealthCheckSpec.Exec exec = new HealthCheckSpec.Exec("local", argv, TIMING);
    argv.add("--changed-later");
    assertThat(exec.argv()).containsExactly("/usr/local/bin/check", "--quick");
    assertThatThrownBy(() -> new HealthCheckSpec.Exec("local", List.of(), TIMING))
        .hasMessage("invalid argv: [] (expected: a program and its arguments)");
  }

  @Test
  void equalSpecsAreTheSameCheck() {
    HealthCheckSpec a = new HealthCheckSpec.Tcp("db", "127.0.0.1", 5432, TIMING);
    HealthCheckSpec b = new HealthCheckSpec.Tcp("db", "127.0.0.1", 5432, TIMING);
    HealthCheckSpec c = new HealthCheckSpec.Tcp("db", "127.0.0.1", 5433, TIMING);
    assertThat(a).isEqualTo(b).isNotEqualTo(c);
  }
}
