package dev.vipd.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleListener;
import dev.vipd.cluster.beacon.BeaconService;
import dev.vipd.cluster.election.Reason;
import dev.vipd.cluster.member.OwnerEvent;
import dev.vipd.cluster.member.Tables;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Turns every outside event (Hazelcast membership and lifecycle, table changes and ownership
 * events, beacons) into work posted to the cluster thread, so that nothing else ever touches
 * the {@link Coordinator}. Events that can cause an ownership change record the wall-clock
 * moment they were noticed, before they wait in the queue.
 */
final class Triggers
    implements MembershipListener, LifecycleListener, Tables.Listener, BeaconService.Listener {

  /** When to re-read the tables after a member was added (a merge may have changed them). */
  private static final long RESCAN_AFTER_JOIN_NANOS = TimeUnit.SECONDS.toNanos(2);

  private final ClusterThread thread;
  private final Coordinator core;
  private final Clock clock;
  private final LongConsumer onPause;

  /** @param onPause fences after the beacon thread saw a pause of that many nanoseconds */
  Triggers(ClusterThread thread, Coordinator core, Clock clock, LongConsumer onPause) {
    this.thread = thread;
    this.core = core;
    this.clock = clock;
    this.onPause = onPause;
  }

  /** Posts {@code task}; {@code cause} records now as the moment its cause was noticed. */
  void post(boolean cause, Runnable task) {
    long noticed = clock.millis();
    thread.post(() -> {
      if (cause) {
        core.cause(noticed);
      }
      task.run();
    });
  }

  // ---- Hazelcast membership and lifecycle --------------------------------------------------

  @Override
  public void memberAdded(MembershipEvent event) {
    post(true, core::evaluate);
    // A member added may be a healed split merging in: read the merged table again once the
    // merge has been applied (a merge fires entry events on some members only).
    thread.schedule(() -> {
      core.rescan();
      core.evaluate();
    }, RESCAN_AFTER_JOIN_NANOS);
  }

  @Override
  public void memberRemoved(MembershipEvent event) {
    post(true, core::evaluate);
  }

  @Override
  public void stateChanged(LifecycleEvent event) {
    switch (event.getState()) {
      case MERGING -> post(false, () -> core.suspend(Reason.MEMBER_LOST));
      case MERGED -> post(true, () -> {
        core.resume();
        core.rescan();
        core.republishSelf();
        core.evaluate();
        core.relayKnown();
      });
      case SHUTTING_DOWN, SHUTDOWN -> post(false, core::close);
      default -> { }
    }
  }

  // ---- tables ------------------------------------------------------------------------------

  @Override
  public void ownerPut(String vip, byte[] sealed) {
    post(false, () -> core.onOwnerValue(vip, sealed));
  }

  @Override
  public void ownerRemoved(String vip, byte[] oldSealed) {
    post(false, () -> core.onOwnerRemoved(vip));
  }

  @Override
  public void ownerEvent(OwnerEvent event) {
    post(false, () -> core.onOwnerEvent(event));
  }

  @Override
  public void malformedEvent() {
    post(false, core::onMalformedEvent);
  }

  @Override
  public void statePut(String node, byte[] sealed) {
    post(true, () -> {
      core.onNodeState(node, sealed);
      core.evaluate();
    });
  }

  @Override
  public void stateRemoved(String node) {
    post(false, () -> core.onNodeStateRemoved(node));
  }

  // ---- beacons -----------------------------------------------------------------------------

  @Override
  public void suspected(String name) {
    post(true, core::evaluate); // the evaluation reads the beacons' suspects, which has it
  }

  @Override
  public void cleared(String name) {
    post(true, core::evaluate);
  }

  @Override
  public void paused(long pausedNanos) {
    onPause.accept(pausedNanos);
  }

  @Override
  public void leaving(String name) {
    post(true, core::evaluate);
  }
}
