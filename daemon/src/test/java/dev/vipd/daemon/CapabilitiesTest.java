package dev.vipd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vipd.daemon.config.BindMode;
import org.junit.jupiter.api.Test;

class CapabilitiesTest {
  private static final long NET_ADMIN = 1L << 12;
  private static final long NET_RAW = 1L << 13;

  /** A /proc/self/status excerpt as Linux 6.1 prints it, with the effective set of root. */
  private static final String ROOT_STATUS = String.join("\n",
      "Name:\tjava",
      "Uid:\t0\t0\t0\t0",
      "CapInh:\t0000000000000000",
      "CapPrm:\t000001ffffffffff",
      "CapEff:\t000001ffffffffff",
      "CapBnd:\t000001ffffffffff",
      "CapAmb:\t0000000000000000",
      "NoNewPrivs:\t0",
      "");

  @Test
  void readsTheEffectiveSetFromProcStatus() {
    assertThat(Capabilities.effective(ROOT_STATUS)).contains(0x1ffffffffffL);
    assertThat(Capabilities.effective(ROOT_STATUS.replace("000001ffffffffff\nCapBnd",
        "0000000000003000\nCapBnd"))).contains(NET_ADMIN | NET_RAW);
    assertThat(Capabilities.effective("Name:\tjava\n")).isEmpty();
    assertThat(Capabilities.effective("CapEff:\tnot-hex\n")).isEmpty();
  }

  @Test
  void theTwoCapabilitiesAreEnough() {
    for (BindMode mode : BindMode.values()) {
      assertThat(Capabilities.missing(NET_ADMIN | NET_RAW, mode)).as(mode.name()).isEmpty();
    }
  }

  @Test
  void withoutNetRawTheRefusalIsOneLineNamingIt() {
    String line = Capabilities.missing(NET_ADMIN, BindMode.ROUTE_LOCAL).orElseThrow();
    assertThat(line).startsWith("vipd: missing capability CAP_NET_RAW").doesNotContain("\n")
        .doesNotContain("CAP_NET_ADMIN (");
    assertThat(Capabilities.missing(NET_ADMIN, BindMode.NONE)).isPresent();
  }

  @Test
  void netAdminIsNeededUnlessVipdBindsNothing() {
    assertThat(Capabilities.missing(NET_RAW, BindMode.ROUTE_LOCAL).orElseThrow())
        .contains("CAP_NET_ADMIN (local routes/addresses and ARP sysctls of bind-mode route-local)")
        .doesNotContain("CAP_NET_RAW (");
    assertThat(Capabilities.missing(NET_RAW, BindMode.INTERFACE)).isPresent();
    assertThat(Capabilities.missing(NET_RAW, BindMode.NONE)).isEmpty();
  }

  @Test
  void withNeitherBothAreNamedOnOneLine() {
    String line = Capabilities.missing(0, BindMode.INTERFACE).orElseThrow();
    assertThat(line).contains("CAP_NET_RAW (").contains(" and CAP_NET_ADMIN (")
        .doesNotContain("\n");
  }
}
