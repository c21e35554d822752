package dev.vipd.cluster.member;

import java.util.Map;

/**
 * The replicated state the nodes share: the owners table (VIP text to a sealed assignment), the
 * node-status table (node name to a sealed {@link NodeState}) and the ownership events. Values
 * are opaque sealed bytes here; readers verify them, and only signed values change anything
 * (any member that joins the Hazelcast cluster can write these maps, key or not). The writes never block the caller: a table
 * write may wait on a dead partition owner, so it runs in the background, and the event that
 * goes with an owner change is what readers normally see first.
 */
public interface Tables extends AutoCloseable {

  /** Receives table changes and events; called on Hazelcast's threads, must return quickly. */
  interface Listener {
    void ownerPut(String vip, byte[] sealed);

    /** An owners entry went away; {@code oldSealed} may be null. */
    void ownerRemoved(String vip, byte[] oldSealed);

    void ownerEvent(OwnerEvent event);

    /** An ownership event that does not frame (counted as unverified by the reader). */
    void malformedEvent();

    void statePut(String node, byte[] sealed);

    void stateRemoved(String node);
  }

  /** Publishes an assignment: as an event at once, and into the owners table. */
  void putOwner(String vip, byte[] sealed);

  /**
   * Publishes a removal: as an event at once, and into the table as a signed tombstone (the
   * sealed removal replaces the assignment under the VIP's key). Entries are never deleted: a
   * deletion carries no signature, so readers ignore deletions and the writer restores the
   * entry; a tombstone is as verifiable as an assignment, and the VIP's next assignment (a
   * higher epoch) replaces it. At most one tombstone per VIP ever configured stays behind.
   */
  void removeOwner(String vip, byte[] sealedRemoval);

  /** Sends a known assignment again as an event only (no table write). */
  void relayOwner(byte[] sealed);

  /** Writes this node's status entry. */
  void putState(String node, byte[] sealed);

  /** The owners table as this member holds it now. */
  Map<String, byte[]> owners();

  /** The value of one node-status entry as this member holds it now, or null. */
  byte[] state(String node);

  /** The node-status table as this member holds it now. */
  Map<String, byte[]> states();

  /** Starts delivering changes to {@code listener}; call once. */
  void listen(Listener listener);

  /** Stops the background writes. */
  @Override
  void close();
}
