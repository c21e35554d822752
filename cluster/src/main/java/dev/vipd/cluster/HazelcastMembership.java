package dev.vipd.cluster;

import com.hazelcast.core.HazelcastInstance;
import dev.vipd.cluster.beacon.BeaconService;
import dev.vipd.cluster.member.HostPort;
import dev.vipd.cluster.member.MembershipView;
import dev.vipd.cluster.member.ViewMember;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The {@link Coordinator}'s view of the membership: the Hazelcast member list read and verified
 * by a {@link MembershipView}, and the beacons (suspects in, verified peers out).
 */
final class HazelcastMembership implements Coordinator.Membership {
  private final HazelcastInstance hz;
  private final MembershipView membership;
  private final Supplier<BeaconService> beacons;
  private final int beaconPort;

  /** @param beacons the beacon service, created after the coordinator (read when evaluating) */
  HazelcastMembership(HazelcastInstance hz, MembershipView membership,
      Supplier<BeaconService> beacons, int beaconPort) {
    this.hz = hz;
    this.membership = membership;
    this.beacons = beacons;
    this.beaconPort = beaconPort;
  }

  @Override
  public List<ViewMember> members() {
    return membership.read(hz.getCluster().getMembers());
  }

  @Override
  public Set<String> suspects() {
    return beacons.get().suspects();
  }

  @Override
  public void setBeaconPeers(List<ViewMember> peers) {
    Map<String, InetSocketAddress> addresses = new LinkedHashMap<>();
    for (ViewMember m : peers) {
      addresses.putIfAbsent(m.name(), HostPort.withPort(m.address(), beaconPort));
    }
    beacons.get().setPeers(addresses);
  }
}
