package dev.vipd.daemon.e2e;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.replicatedmap.ReplicatedMap;
import dev.vipd.cluster.member.HazelcastConfigs;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Hazelcast member without the cluster secret, run as its own process inside a lab namespace
 * by {@link E2eRogueMemberIT}: it joins with the cluster's network settings (name, port, peers),
 * then for a while keeps removing every entry of the owners and nodes tables, and putting garbage
 * and entries of its own in their place. Prints one line per phase on stdout.
 *
 * <p>Arguments: cluster name, bind address, port, attack seconds, peer addresses...
 */
public final class RogueMember {
  private RogueMember() {}

  public static void main(String[] args) throws Exception {
    String cluster = args[0];
    InetAddress bind = InetAddress.getByName(args[1]);
    int port = Integer.parseInt(args[2]);
    long attackMillis = Long.parseLong(args[3]) * 1000;
    List<InetSocketAddress> peers = new ArrayList<>();
    for (int i = 4; i < args.length; i++) {
      peers.add(new InetSocketAddress(InetAddress.getByName(args[i]), port));
    }
    HazelcastInstance rogue = Hazelcast.newHazelcastInstance(
        HazelcastConfigs.build(cluster, "rogue", bind, port, peers, Map.of()));
    try {
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (rogue.getCluster().getMembers().size() < 1 + peers.size()
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      System.out.println("rogue joined: " + rogue.getCluster().getMembers().size() + " members");
      ReplicatedMap<String, byte[]> owners = rogue.getReplicatedMap(HazelcastConfigs.OWNERS);
      ReplicatedMap<String, byte[]> nodes = rogue.getReplicatedMap(HazelcastConfigs.NODES);
      int rounds = 0;
      int removed = 0;
      long end = System.nanoTime() + attackMillis * 1_000_000;
      while (System.nanoTime() < end) {
        for (String key : List.copyOf(owners.keySet())) {
          owners.remove(key);
          removed++;
          owners.put(key, new byte[] {1, 2, 3});
        }
        for (String key : List.copyOf(nodes.keySet())) {
          nodes.remove(key);
          removed++;
        }
        nodes.put("rogue", new byte[] {4, 5, 6});
        owners.put("198.51.100.199", new byte[] {7, 8, 9});
        rounds++;
        Thread.sleep(200);
      }
      System.out.println("rogue attacked: " + rounds + " rounds, " + removed + " entries removed");
    } finally {
      rogue.getLifecycleService().terminate();
    }
  }
}
