package dev.vipd.daemon;

import java.net.InetAddress;

/**
 * Where the ownership bridge sends its decisions: the {@link DataPlane} in production, a recorder
 * in unit tests. Every method returns at once.
 */
interface VipSink {
  /** Binds {@code vip} locally, then answers and announces it on {@code interfaceName}. */
  void acquire(String interfaceName, InetAddress vip);

  /** Stops answering and announcing {@code vip} on {@code interfaceName}. */
  void release(String interfaceName, InetAddress vip);

  /** Answers only until this monotonic deadline. */
  void answerDeadline(long deadlineNanos);
}
