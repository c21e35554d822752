package dev.vipd.daemon.binding;

import static dev.vipd.daemon.binding.RouteLocalBindingTest.address;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vipd.daemon.binding.InterfaceBinding.MarkedAddress;
import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InterfaceBindingTest {

  /**
   * {@code ip -o -4 addr show} and {@code ip -o -6 addr show} in a lab namespace (iproute2 6.1,
   * Linux 6.18) holding two vipd addresses and an operator's address of each family.
   */
  private static final String LISTING_V4 =
      "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever\n"
          + "3: eth0    inet 198.51.100.101/32 scope global eth0:vipd\\       valid_lft forever"
          + " preferred_lft forever\n"
          + "3: eth0    inet 198.51.100.102/32 metric 8686 scope global noprefixroute eth0:vipd\\ "
          + "      valid_lft forever preferred_lft forever\n";

  private static final String LISTING_V6 =
      "1: lo    inet6 ::1/128 scope host \\       valid_lft forever preferred_lft forever\n"
          + "3: eth0    inet6 2001:db8::102/128 metric 8686 scope global nodad deprecated"
          + " noprefixroute \\       valid_lft forever preferred_lft 0sec\n"
          + "3: eth0    inet6 2001:db8::100/128 metric 4242 scope global nodad deprecated \\ "
          + "      valid_lft forever preferred_lft 0sec\n";

  private final Map<InetAddress, String> pools =
      Map.of(
          address("198.51.100.100"), "eth0",
          address("2001:db8::100"), "eth0",
          address("203.0.113.7"), "enp129s0f1np1");
  private final RecordingRunner runner = new RecordingRunner();
  private final InterfaceBinding binding = new InterfaceBinding(runner, pools::get);

  @Test
  void ipv4AddressCarriesLabelAndMetricMarker() {
    binding.bind(address("198.51.100.100"));

    assertThat(runner.lines())
        .containsExactly(
            "ip -4 addr replace 198.51.100.100/32 dev eth0 label eth0:vipd scope host noprefixroute"
                + " metric 8686");
    assertThat(binding.bound()).containsExactly(address("198.51.100.100"));
  }

  @Test
  void labelIsLeftOutWhenItWouldExceedTheKernelLimit() {
    binding.bind(address("203.0.113.7"));

    assertThat(runner.lines())
        .containsExactly(
            "ip -4 addr replace 203.0.113.7/32 dev enp129s0f1np1 scope host noprefixroute"
                + " metric 8686");
  }

  @Test
  void ipv6AddressIsNodadAndNeverPreferred() {
    binding.bind(address("2001:db8::100"));

    assertThat(runner.lines())
        .containsExactly(
            "ip -6 addr replace 2001:db8::100/128 dev eth0 nodad preferred_lft 0 noprefixroute"
                + " metric 8686");
  }

  @Test
  void unbindRemovesTheAddressAndToleratesAMissingOne() {
    binding.bind(address("198.51.100.100"));
    binding.unbind(address("198.51.100.100"));
    RecordingRunner gone =
        new RecordingRunner()
            .answering(
                argv -> {
                  throw RecordingRunner.failure(argv, "Error: ipv4: Address not found.");
                });
    new InterfaceBinding(gone, pools::get).unbind(address("198.51.100.100"));

    assertThat(runner.lines()).endsWith("ip -4 addr del 198.51.100.100/32 dev eth0");
    assertThat(binding.bound()).isEmpty();
    assertThat(gone.lines()).containsExactly("ip -4 addr del 198.51.100.100/32 dev eth0");
  }

  @Test
  void unbindReportsOtherFailures() {
    RecordingRunner denied =
        new RecordingRunner()
            .answering(
                argv -> {
                  throw RecordingRunner.failure(argv, "RTNETLINK answers: Operation not permitted");
                });

    assertThatThrownBy(() -> new InterfaceBinding(denied, pools::get).unbind(address("2001:db8::100")))
        .isInstanceOf(CommandException.class);
  }

  @Test
  void bindWithoutPoolInterfaceIsRefused() {
    assertThatThrownBy(() -> binding.bind(address("198.51.100.9")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no pool interface for VIP 198.51.100.9");
  }

  @Test
  void findsOnlyAddressesWithTheMarkerMetric() {
    assertThat(InterfaceBinding.markedAddresses(LISTING_V4))
        .containsExactly(new MarkedAddress("eth0", "198.51.100.102/32"));
    assertThat(InterfaceBinding.markedAddresses(LISTING_V6))
        .containsExactly(new MarkedAddress("eth0", "2001:db8::102/128"));
  }

  @Test
  void cleanupDeletesMarkedAddressesOfBothFamilies() {
    runner.answering(
        argv -> {
          String line = String.join(" ", argv);
          if (line.equals("ip -o -4 addr show")) {
            return LISTING_V4;
          }
          return line.equals("ip -o -6 addr show") ? LISTING_V6 : "";
        });

    binding.cleanup();

    assertThat(runner.lines())
        .containsExactly(
            "ip -o -4 addr show",
            "ip -4 addr del 198.51.100.102/32 dev eth0",
            "ip -o -6 addr show",
            "ip -6 addr del 2001:db8::102/128 dev eth0");
  }
}
