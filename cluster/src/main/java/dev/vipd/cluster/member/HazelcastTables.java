package dev.vipd.cluster.member;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.EntryListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.MapEvent;
import com.hazelcast.replicatedmap.ReplicatedMap;
import com.hazelcast.topic.ITopic;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Tables} on an embedded Hazelcast member: two {@code ReplicatedMap}s and a topic (see
 * {@link HazelcastConfigs} for their names and merge policies).
 *
 * <p>Writes to the maps run on one background thread ({@code vipd-publish-NAME}): a {@code
 * ReplicatedMap.put} is an invocation on the key's partition owner and can block ~3 s when that
 * owner died silently. Owner changes are therefore also published on the topic, which never
 * waits on a partition; readers take whichever copy arrives first (epochs order them).
 */
public final class HazelcastTables implements Tables {
  private static final Logger log = LoggerFactory.getLogger(HazelcastTables.class);

  private final String nodeName;
  private final ReplicatedMap<String, byte[]> owners;
  private final ReplicatedMap<String, byte[]> nodes;
  private final ITopic<byte[]> events;
  private final ExecutorService publisher;
  private volatile boolean closed;

  public HazelcastTables(HazelcastInstance hz, String nodeName) {
    this.nodeName = nodeName;
    this.owners = hz.getReplicatedMap(HazelcastConfigs.OWNERS);
    this.nodes = hz.getReplicatedMap(HazelcastConfigs.NODES);
    this.events = hz.getTopic(HazelcastConfigs.OWNER_EVENTS);
    this.publisher = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "vipd-publish-" + nodeName);
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public void putOwner(String vip, byte[] sealed) {
    events.publish(new OwnerEvent(OwnerEvent.Kind.ASSIGNED, sealed).encode());
    async("owner-put", () -> owners.put(vip, sealed));
  }

  /** The removal stays in the table as a signed tombstone (see {@link Tables#removeOwner}). */
  @Override
  public void removeOwner(String vip, byte[] sealedRemoval) {
    events.publish(new OwnerEvent(OwnerEvent.Kind.REMOVED, sealedRemoval).encode());
    async("owner-remove", () -> owners.put(vip, sealedRemoval));
  }

  @Override
  public void relayOwner(byte[] sealed) {
    events.publish(new OwnerEvent(OwnerEvent.Kind.RELAYED, sealed).encode());
  }

  @Override
  public void putState(String node, byte[] sealed) {
    async("state-put", () -> nodes.put(node, sealed));
  }

  @Override
  public Map<String, byte[]> owners() {
    return copy(owners);
  }

  @Override
  public byte[] state(String node) {
    return nodes.get(node);
  }

  @Override
  public Map<String, byte[]> states() {
    return copy(nodes);
  }

  @Override
  public void listen(Listener listener) {
    owners.addEntryListener(new Entries(listener, true));
    nodes.addEntryListener(new Entries(listener, false));
    events.addMessageListener(m -> OwnerEvent.decode(m.getMessageObject())
        .ifPresentOrElse(listener::ownerEvent, listener::malformedEvent));
  }

  @Override
  public void close() {
    closed = true;
    publisher.shutdownNow();
  }

  private static Map<String, byte[]> copy(ReplicatedMap<String, byte[]> map) {
    Map<String, byte[]> copy = new HashMap<>();
    map.entrySet().forEach(e -> copy.put(e.getKey(), e.getValue()));
    return copy;
  }

  private void async(String op, Runnable write) {
    try {
      publisher.execute(() -> {
        try {
          write.run();
        } catch (RuntimeException e) {
          if (!closed) {
            log.warn("op={} node={} error={}", op, nodeName, e.toString());
          }
        }
      });
    } catch (RejectedExecutionException e) {
      // closed
    }
  }

  /** Entry events of one of the two maps. */
  private static final class Entries implements EntryListener<String, byte[]> {
    private final Listener listener;
    private final boolean ownersMap;

    Entries(Listener listener, boolean ownersMap) {
      this.listener = listener;
      this.ownersMap = ownersMap;
    }

    private void value(EntryEvent<String, byte[]> e) {
      if (ownersMap) {
        listener.ownerPut(e.getKey(), e.getValue());
      } else {
        listener.statePut(e.getKey(), e.getValue());
      }
    }

    private void gone(EntryEvent<String, byte[]> e) {
      if (ownersMap) {
        listener.ownerRemoved(e.getKey(), e.getOldValue());
      } else {
        listener.stateRemoved(e.getKey());
      }
    }

    @Override
    public void entryAdded(EntryEvent<String, byte[]> e) {
      value(e);
    }

    @Override
    public void entryUpdated(EntryEvent<String, byte[]> e) {
      value(e);
    }

    @Override
    public void entryRemoved(EntryEvent<String, byte[]> e) {
      gone(e);
    }

    @Override
    public void entryEvicted(EntryEvent<String, byte[]> e) {
      gone(e);
    }

    @Override
    public void entryExpired(EntryEvent<String, byte[]> e) {
      gone(e);
    }

    @Override
    public void mapCleared(MapEvent e) {
      // nobody clears these maps
    }

    @Override
    public void mapEvicted(MapEvent e) {
      // nobody evicts these maps
    }
  }
}
