package dev.vipd.protocol.raw;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps a file descriptor open while any thread is using it, so that {@code close()} on one thread
 * never lets another thread's {@code send} or {@code recv} reach a descriptor number the kernel has
 * already handed to someone else.
 *
 * <p>Users bracket each system call with {@link #acquire()} / {@link #release()}; {@link #close()}
 * refuses new users and the last user out runs the closer. Allocation-free.
 */
final class DescriptorGuard {
  private static final int CLOSING = 0x8000_0000;

  /** Number of users plus one for the owner, with {@link #CLOSING} set once closed. */
  private final AtomicInteger state = new AtomicInteger(1);
  private final Runnable closer;

  DescriptorGuard(Runnable closer) {
    this.closer = closer;
  }

  /** Returns true if the descriptor is open and now held; pair with {@link #release()}. */
  boolean acquire() {
    while (true) {
      int s = state.get();
      if ((s & CLOSING) != 0) {
        return false;
      }
      if (state.compareAndSet(s, s + 1)) {
        return true;
      }
    }
  }

  void release() {
    if (state.decrementAndGet() == CLOSING) {
      closer.run();
    }
  }

  /** True once {@link #close()} was called (the descriptor may still be in use for a moment). */
  boolean isClosed() {
    return (state.get() & CLOSING) != 0;
  }

  /** Refuses new users; the descriptor is closed now or when the last user releases it. */
  void close() {
    int previous = state.getAndUpdate(s -> s | CLOSING);
    if ((previous & CLOSING) == 0) {
      release();
    }
  }
}
