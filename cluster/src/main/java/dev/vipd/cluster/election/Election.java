package dev.vipd.cluster.election;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The election: a pure function from one snapshot of the cluster to the owner of every VIP. Every
 * node computes it; the same {@link ElectionInput} gives the same {@link ElectionResult} on every
 * node and in every JVM, whatever the order of the collections in it.
 *
 * <p>The rules, in the order they apply:
 *
 * <ol>
 *   <li><b>Quorum.</b> Under {@link Quorum#MAJORITY} the view needs {@link Policy#majority()}
 *       verified, unsuspected members (a leaving node still counts while it is in the view).
 *       Without quorum nobody owns anything and every current VIP is released with {@link
 *       Reason#QUORUM_LOST}.
 *   <li><b>Eligibility.</b> A node may own a pool's VIPs when it is verified, not suspected, not
 *       drained, not leaving, the pool is neither unhealthy nor link-down on it, and its labels
 *       match every entry of the pool's node selector.
 *   <li><b>Stickiness.</b> A VIP whose current owner is eligible stays, with the same epoch,
 *       whoever joined or returned. The one exception is <b>preemption</b>: in a pool with {@code
 *       preempt}, the most preferred eligible node that is more preferred than the owner and has
 *       been eligible for at least {@code preempt-delay} takes the VIP ({@link Reason#PREEMPT}).
 *   <li><b>Placement.</b> The other VIPs (new, or whose owner is gone or ineligible) are placed one
 *       at a time, by pool name then address (IPv4 before IPv6, then by bytes): to the pool's most
 *       preferred eligible node if there is one, else to the eligible node with the fewest VIPs
 *       across all pools at that moment, then the fewest in this pool, then the highest {@link
 *       Rendezvous} weight for the VIP, then the smallest name. A VIP with no eligible node is
 *       owned by nobody.
 *   <li><b>Epochs.</b> A VIP that changes owner gets its previous epoch plus one (1 when it had no
 *       previous owner); a VIP that stays keeps its epoch.
 * </ol>
 *
 * <p>Cost: {@code O(V log V)} to order the VIPs, plus, per placed VIP, {@code O(log N)} and one
 * cheap hash per node tied at the lowest load.
 *
 * <p>What the caller must know: a released VIP vanishes from {@link ElectionResult#owners()}, so
 * its last epoch survives only in its {@link Change} and in whatever {@code current} the caller
 * keeps; epochs restart at 1 if the caller forgets them (the ownership writer should keep the last
 * ownership of a released VIP in {@code current}, where an absent or ineligible owner is simply
 * replaced with the next epoch). The election trusts its input: two nodes with different snapshots
 * (a membership event seen by one but not yet by the other) compute different owners until their
 * views converge; the epochs settle which announcement is the latest.
 */
public final class Election {
  private static final Comparator<Seat> ADDRESS_ORDER =
      Comparator.<Seat>comparingInt(s -> s.bytes.length)
          .thenComparing((a, b) -> Arrays.compareUnsigned(a.bytes, b.bytes));

  private Election() {}

  /** Computes the owners of every configured VIP. */
  public static ElectionResult elect(ElectionInput input) {
    Objects.requireNonNull(input, "input");
    List<Pool> pools = new ArrayList<>(input.pools());
    pools.sort(Comparator.comparing(Pool::name));
    List<Seat[]> seats = seats(pools, input.current());
    if (!hasQuorum(input)) {
      return releaseAll(pools, seats);
    }
    View view = new View(input.nodes(), pools, input.leaving());
    int[] load = new int[view.size()];
    for (int p = 0; p < pools.size(); p++) {
      for (Seat seat : seats.get(p)) {
        keepOrPreempt(seat, view, pools.get(p), p, input.nowMillis(), load);
      }
    }
    for (int p = 0; p < pools.size(); p++) {
      placeOrphans(seats.get(p), view, pools.get(p), p, load);
    }
    return result(pools, seats, view);
  }

  /** Whether {@code input}'s view has quorum under its policy. */
  public static boolean hasQuorum(ElectionInput input) {
    Policy policy = input.policy();
    if (policy.quorum() == Quorum.NONE) {
      return true;
    }
    int counted = 0;
    for (Node node : input.nodes()) {
      counted += node.countsForQuorum() ? 1 : 0;
    }
    return counted >= policy.majority();
  }

  /** The VIPs of each pool in address order, each with its current owner if it has one. */
  private static List<Seat[]> seats(List<Pool> pools, Map<InetAddress, Ownership> current) {
    List<Seat[]> seats = new ArrayList<>(pools.size());
    Map<AddressKey, Seat> byAddress = new HashMap<>();
    for (Pool pool : pools) {
      Seat[] ofPool = new Seat[pool.addresses().size()];
      for (int i = 0; i < ofPool.length; i++) {
        ofPool[i] = new Seat(pool.addresses().get(i));
        byAddress.put(AddressKey.of(ofPool[i].bytes), ofPool[i]);
      }
      Arrays.sort(ofPool, ADDRESS_ORDER);
      seats.add(ofPool);
    }
    // One pass over current rather than a lookup per VIP in a map keyed by InetAddress.
    for (Map.Entry<InetAddress, Ownership> entry : current.entrySet()) {
      Seat seat = byAddress.get(AddressKey.of(entry.getKey()));
      if (seat != null) {
        seat.previous = entry.getValue();
      }
    }
    return seats;
  }

  private static ElectionResult releaseAll(List<Pool> pools, List<Seat[]> seats) {
    List<Change> changes = new ArrayList<>();
    for (int p = 0; p < pools.size(); p++) {
      for (Seat seat : seats.get(p)) {
        if (seat.previous != null) {
          changes.add(
              new Change(
                  seat.vip,
                  pools.get(p).name(),
                  seat.previous.node(),
                  null,
                  seat.previous.epoch(),
                  Reason.QUORUM_LOST));
        }
      }
    }
    return new ElectionResult(Map.of(), false, changes);
  }

  /** Rule 3: an eligible owner keeps its VIP unless a preferred node preempts it. */
  private static void keepOrPreempt(Seat seat, View view, Pool pool, int p, long now, int[] load) {
    if (seat.previous == null) {
      seat.reason = Reason.PLACEMENT;
      return;
    }
    int owner = view.indexOf(seat.previous.node());
    if (owner < 0 || !view.eligible(p, owner)) {
      seat.reason = view.ineligibility(seat.previous.node(), p);
      return;
    }
    if (!view.nodes[owner].canServe(seat.vip)) {
      seat.reason = Reason.UNSERVABLE;
      return;
    }
    int preemptor = preemptor(view, pool, p, owner, seat.vip, now);
    if (preemptor >= 0) {
      seat.owner = preemptor;
      seat.epoch = Math.addExact(seat.previous.epoch(), 1);
      seat.reason = Reason.PREEMPT;
    } else {
      seat.owner = owner;
      seat.epoch = seat.previous.epoch();
    }
    load[seat.owner]++;
  }

  private static int preemptor(
      View view, Pool pool, int p, int owner, InetAddress vip, long now) {
    if (!pool.preempt()) {
      return -1;
    }
    List<String> preferred = pool.preferredNodes();
    int ownerRank = preferred.indexOf(view.names[owner]);
    int limit = ownerRank < 0 ? preferred.size() : ownerRank;
    long delay = pool.preemptDelayMillis();
    for (int rank = 0; rank < limit; rank++) {
      int node = view.indexOf(preferred.get(rank));
      // Both times are >= 0 (validated), so the difference cannot overflow.
      if (node >= 0
          && view.placeable(p, node)
          && view.nodes[node].canServe(vip)
          && now - view.nodes[node].eligibleSinceMillis() >= delay) {
        return node;
      }
    }
    return -1;
  }

  /** Rule 4: places the pool's VIPs left without an owner, in address order. */
  private static void placeOrphans(Seat[] seats, View view, Pool pool, int p, int[] load) {
    int[] poolLoad = new int[view.size()];
    boolean orphans = false;
    for (Seat seat : seats) {
      if (seat.owner >= 0) {
        poolLoad[seat.owner]++;
      } else {
        orphans = true;
      }
    }
    if (!orphans) {
      return;
    }
    LoadQueue queue = new LoadQueue(view.candidates(p), load, poolLoad, view.nodeKeys, view.names);
    if (queue.isEmpty()) {
      return; // nobody is eligible for this pool: every orphan stays unowned
    }
    for (Seat seat : seats) {
      if (seat.owner >= 0) {
        continue;
      }
      int target = -1;
      for (String name : pool.preferredNodes()) {
        int node = view.indexOf(name);
        if (node >= 0 && view.placeable(p, node) && view.nodes[node].canServe(seat.vip)) {
          target = node;
          break;
        }
      }
      if (target >= 0) {
        queue.charge(target);
      } else {
        target = queue.take(Rendezvous.vipKey(seat.bytes), node -> view.nodes[node].canServe(seat.vip));
      }
      if (target < 0) {
        continue; // every eligible node reported this VIP unservable: it stays unowned
      }
      seat.owner = target;
      seat.epoch = seat.previous == null ? 1 : Math.addExact(seat.previous.epoch(), 1);
    }
  }

  private static ElectionResult result(List<Pool> pools, List<Seat[]> seats, View view) {
    List<InetAddress> owned = new ArrayList<>();
    List<Ownership> owners = new ArrayList<>();
    List<Change> changes = new ArrayList<>();
    for (int p = 0; p < pools.size(); p++) {
      for (Seat seat : seats.get(p)) {
        String from = seat.previous == null ? null : seat.previous.node();
        String to = seat.owner < 0 ? null : view.names[seat.owner];
        if (to != null) {
          owned.add(seat.vip);
          owners.add(new Ownership(to, seat.epoch));
        }
        if (!Objects.equals(from, to)) {
          long epoch = to != null ? seat.epoch : seat.previous.epoch();
          changes.add(new Change(seat.vip, pools.get(p).name(), from, to, epoch, seat.reason));
        }
      }
    }
    return new ElectionResult(VipMap.of(owned, owners), true, changes);
  }

  /** One VIP during an election. */
  private static final class Seat {
    final InetAddress vip;
    final byte[] bytes;
    Ownership previous;
    int owner = -1;
    long epoch;
    Reason reason;

    Seat(InetAddress vip) {
      this.vip = vip;
      this.bytes = vip.getAddress();
    }
  }
}
