package dev.vipd.protocol;

import java.net.InetAddress;
import java.util.LinkedHashSet;
import java.util.TreeSet;

/**
 * The {@link Announcer}'s frame order: addresses whose next frame is the first of a burst, in the
 * order they were announced, always before addresses waiting for a repeat or refresh frame, which
 * go by due time (compared by subtraction, since nano times may wrap), then first come first
 * served. Each entry is in at most one of the two queues, so a stopped address leaves nothing
 * behind once {@link #remove} is called.
 *
 * <p>Not thread-safe: the announcer uses it under its lock.
 */
final class AnnounceQueue {

  private enum Slot { NONE, FIRST, TIMED }

  /** One announced address and its progress. Fields are the announcer's to change. */
  static final class Entry {
    final InetAddress vip;
    /** Frames of the current burst not yet attempted; 0 once only the refresh is left. */
    int burstLeft;
    /** Calls of {@code announce()} for the address so far. */
    long acquisitions;
    /** The latest acquisition the listener was told about; below {@code acquisitions}: pending. */
    long notified;
    /** A frame fell due while the gate was closed; queued nowhere until the announcer resumes. */
    boolean parked;
    private Slot slot = Slot.NONE;
    private long due;
    private long order;

    Entry(InetAddress vip) {
      this.vip = vip;
    }
  }

  private final LinkedHashSet<Entry> firsts = new LinkedHashSet<>();
  private final TreeSet<Entry> timed = new TreeSet<>(
      (a, b) -> a.due != b.due ? Long.signum(a.due - b.due) : Long.compare(a.order, b.order));
  private long nextOrder;

  /** Queues the entry's next frame as the first of a burst (moving it if queued elsewhere). */
  void addFirst(Entry entry) {
    remove(entry);
    firsts.add(entry);
    entry.slot = Slot.FIRST;
  }

  /** Queues the entry's next frame at {@code due} (moving it if queued elsewhere). */
  void addAt(Entry entry, long due) {
    remove(entry);
    entry.due = due;
    entry.order = nextOrder++;
    timed.add(entry);
    entry.slot = Slot.TIMED;
  }

  /** Takes the entry out of whichever queue holds it. */
  void remove(Entry entry) {
    if (entry.slot == Slot.FIRST) {
      firsts.remove(entry);
    } else if (entry.slot == Slot.TIMED) {
      timed.remove(entry);
    }
    entry.slot = Slot.NONE;
  }

  /** Whether the entry has a frame queued. */
  boolean isQueued(Entry entry) {
    return entry.slot != Slot.NONE;
  }

  boolean isEmpty() {
    return firsts.isEmpty() && timed.isEmpty();
  }

  /** The entry whose frame goes next if one is due at {@code now}, else null. Stays queued. */
  Entry peekDue(long now) {
    if (!firsts.isEmpty()) {
      return firsts.iterator().next();
    }
    if (!timed.isEmpty() && timed.first().due - now <= 0) {
      return timed.first();
    }
    return null;
  }

  /** When the next frame falls due: {@code now} if a first frame waits. Not for an empty queue. */
  long nextDueTime(long now) {
    return firsts.isEmpty() ? timed.first().due : now;
  }

  void clear() {
    for (Entry entry : firsts) {
      entry.slot = Slot.NONE;
    }
    for (Entry entry : timed) {
      entry.slot = Slot.NONE;
    }
    firsts.clear();
    timed.clear();
  }
}
