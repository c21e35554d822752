package dev.vipd.daemon.binding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class RouteLocalBindingTest {

  private static final InetAddress VIP4 = address("198.51.100.100");
  private static final InetAddress VIP6 = address("2001:db8::100");

  private final RecordingRunner runner =
      new RecordingRunner().answering(argv -> argv.get(0).equals("sysctl") ? "0\n" : "");
  private final RouteLocalBinding binding = new RouteLocalBinding(runner, vip -> "eth0");

  @Test
  void firstBindRaisesArpSysctlsThenAddsAMarkedLocalRoute() {
    binding.bind(VIP4);

    assertThat(runner.lines())
        .containsExactly(
            "sysctl -n net/ipv4/conf/all/arp_ignore",
            "sysctl -q -w net/ipv4/conf/all/arp_ignore=1",
            "sysctl -n net/ipv4/conf/all/arp_announce",
            "sysctl -q -w net/ipv4/conf/all/arp_announce=2",
            "sysctl -n net/ipv4/conf/eth0/arp_ignore",
            "sysctl -q -w net/ipv4/conf/eth0/arp_ignore=1",
            "sysctl -n net/ipv4/conf/eth0/arp_announce",
            "sysctl -q -w net/ipv4/conf/eth0/arp_announce=2",
            "ip -4 route replace local 198.51.100.100/32 dev lo table local proto 86");
    assertThat(binding.bound()).containsExactly(VIP4);
  }

  @Test
  void laterBindsOnlyReplaceTheRoute() {
    binding.bind(VIP4);
    int before = runner.lines().size();

    binding.bind(VIP4);
    binding.bind(address("198.51.100.101"));

    assertThat(runner.lines().subList(before, runner.lines().size()))
        .containsExactly(
            "ip -4 route replace local 198.51.100.100/32 dev lo table local proto 86",
            "ip -4 route replace local 198.51.100.101/32 dev lo table local proto 86");
  }

  @Test
  void bindAllAddsEveryRouteInOneBatchCommand() {
    binding.bindAll(java.util.List.of(VIP4, VIP6, address("198.51.100.101")));

    assertThat(runner.lines()).filteredOn(l -> l.startsWith("ip")).containsExactly(
        "ip -force -batch - <<route replace local 198.51.100.100/32 dev lo table local proto 86\n"
            + "route replace local 2001:db8::100/128 dev lo table local proto 86\n"
            + "route replace local 198.51.100.101/32 dev lo table local proto 86\n");
    assertThat(runner.lines()).filteredOn(l -> l.contains("arp_ignore=1")).hasSize(2);
    assertThat(binding.bound()).containsExactlyInAnyOrder(VIP4, VIP6, address("198.51.100.101"));
  }

  @Test
  void aRouteTheKernelRefusesFailsAloneAndTheOthersAreBound() {
    runner.answeringInput(RecordingRunner.failingLines("198.51.100.101/32",
        "RTNETLINK answers: File exists"));
    java.util.Map<InetAddress, String> failed =
        binding.bindAll(java.util.List.of(VIP4, address("198.51.100.101"), VIP6));

    assertThat(failed).containsOnlyKeys(address("198.51.100.101"));
    assertThat(failed.get(address("198.51.100.101"))).isEqualTo("RTNETLINK answers: File exists");
    assertThat(binding.bound()).containsExactlyInAnyOrder(VIP4, VIP6);
  }

  @Test
  void unbindAllRemovesEveryRouteInOneBatchAndIgnoresRoutesAlreadyGone() {
    binding.bindAll(java.util.List.of(VIP4, VIP6));
    runner.answeringInput(RecordingRunner.failingLines("2001:db8::100/128",
        "RTNETLINK answers: No such process"));
    int before = runner.lines().size();

    assertThat(binding.unbindAll(java.util.List.of(VIP4, VIP6))).isEmpty();

    assertThat(runner.lines().subList(before, runner.lines().size())).containsExactly(
        "ip -force -batch - <<route del local 198.51.100.100/32 dev lo table local proto 86\n"
            + "route del local 2001:db8::100/128 dev lo table local proto 86\n");
    assertThat(binding.bound()).isEmpty();
  }

  @Test
  void neverLowersAStricterOperatorSetting() {
    RecordingRunner strict =
        new RecordingRunner().answering(argv -> argv.get(0).equals("sysctl") ? "8\n" : "");
    new RouteLocalBinding(strict, vip -> "eth0").bind(VIP4);

    assertThat(strict.lines()).noneMatch(line -> line.contains(" -w "));
  }

  @Test
  void ipv6UsesAHostRouteAndNoArpSysctls() {
    binding.bind(VIP6);

    assertThat(runner.lines())
        .containsExactly(
            "ip -6 route replace local 2001:db8::100/128 dev lo table local proto 86");
  }

  @Test
  void unbindDeletesTheMarkedRouteAndToleratesAMissingOne() {
    binding.bind(VIP4);
    RecordingRunner gone =
        new RecordingRunner()
            .answering(
                argv -> {
                  throw RecordingRunner.failure(argv, "RTNETLINK answers: No such process");
                });
    RouteLocalBinding unbinding = new RouteLocalBinding(gone, vip -> "eth0");

    binding.unbind(VIP4);
    unbinding.unbind(VIP4);

    assertThat(runner.lines())
        .endsWith("ip -4 route del local 198.51.100.100/32 dev lo table local proto 86");
    assertThat(binding.bound()).isEmpty();
  }

  @Test
  void unbindReportsOtherFailures() {
    RecordingRunner denied =
        new RecordingRunner()
            .answering(
                argv -> {
                  throw RecordingRunner.failure(
                      argv, "RTNETLINK answers: Operation not permitted");
                });

    assertThatThrownBy(() -> new RouteLocalBinding(denied, vip -> "eth0").unbind(VIP4))
        .isInstanceOf(CommandException.class)
        .hasMessageContaining("(vipd needs CAP_NET_ADMIN)");
  }

  @Test
  void cleanupFlushesOnlyVipdsProtocolInBothFamilies() {
    binding.bind(VIP4);
    int before = runner.lines().size();

    binding.cleanup();

    assertThat(runner.lines().subList(before, runner.lines().size()))
        .containsExactly(
            "ip -4 route flush table local proto 86", "ip -6 route flush table local proto 86");
    assertThat(binding.bound()).isEmpty();
  }

  @Test
  void aFailedSysctlIsRetriedOnTheNextBind() {
    RecordingRunner flaky = new RecordingRunner();
    flaky.answering(
        argv -> {
          throw RecordingRunner.failure(argv, "sysctl: permission denied on key");
        });
    RouteLocalBinding failing = new RouteLocalBinding(flaky, vip -> "eth0");
    assertThatThrownBy(() -> failing.bind(VIP4)).isInstanceOf(CommandException.class);
    flaky.answering(argv -> argv.get(0).equals("sysctl") ? "1\n" : "");

    failing.bind(VIP4);

    assertThat(flaky.lines()).contains("sysctl -n net/ipv4/conf/all/arp_ignore");
    assertThat(flaky.lines())
        .filteredOn(line -> line.equals("sysctl -n net/ipv4/conf/all/arp_ignore"))
        .hasSize(2);
    assertThat(failing.bound()).containsExactly(VIP4);
  }

  static InetAddress address(String text) {
    try {
      return InetAddress.getByName(text);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(text, e);
    }
  }
}
