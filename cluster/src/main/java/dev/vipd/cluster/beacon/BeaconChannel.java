package dev.vipd.cluster.beacon;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The beacons' UDP socket: a non-blocking channel and its selector, so that the beacon thread
 * waits until a datagram arrives or the next tick is due. Counts sent datagrams and send errors
 * ({@code vipd.beacons.sent}, {@code vipd.beacon.send.errors}); a failed send is logged at debug
 * level and never thrown (a peer that went away must not stop the others' beacons).
 */
final class BeaconChannel implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BeaconChannel.class);

  private final DatagramChannel channel;
  private final Selector selector;
  private final Counter sent;
  private final Counter sendErrors;

  private BeaconChannel(DatagramChannel channel, Selector selector, MeterRegistry registry) {
    this.channel = channel;
    this.selector = selector;
    this.sent = Counter.builder("vipd.beacons.sent").register(registry);
    this.sendErrors = Counter.builder("vipd.beacon.send.errors").register(registry);
  }

  /** Binds a non-blocking socket to {@code address}; the error names the address. */
  static BeaconChannel open(InetSocketAddress address, MeterRegistry registry)
      throws IOException {
    DatagramChannel ch = DatagramChannel.open();
    Selector selector = null;
    try {
      ch.configureBlocking(false);
      ch.bind(address);
      selector = Selector.open();
      ch.register(selector, SelectionKey.OP_READ);
      return new BeaconChannel(ch, selector, registry);
    } catch (IOException e) {
      ch.close();
      if (selector != null) {
        selector.close();
      }
      throw new IOException("binding beacon socket to " + address + ": " + e.getMessage(), e);
    }
  }

  /** The bound address (with the chosen port when bound to port 0). */
  InetSocketAddress localAddress() throws IOException {
    return (InetSocketAddress) channel.getLocalAddress();
  }

  boolean isOpen() {
    return channel.isOpen();
  }

  /** Waits up to {@code waitNanos} (not at all when it is not positive) for a datagram. */
  void await(long waitNanos) throws IOException {
    if (waitNanos > 0) {
      selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos)));
    } else {
      selector.selectNow();
    }
    selector.selectedKeys().clear();
  }

  /** Ends a current or the next {@link #await} at once (any thread). */
  void wakeup() {
    selector.wakeup();
  }

  /** Reads one datagram into {@code buffer}; null when none is waiting. */
  SocketAddress receive(ByteBuffer buffer) throws IOException {
    buffer.clear();
    return channel.receive(buffer);
  }

  void send(String peer, InetSocketAddress address, byte[] datagram) {
    try {
      channel.send(ByteBuffer.wrap(datagram), address);
      sent.increment();
    } catch (IOException e) {
      sendErrors.increment();
      log.debug("op=beacon-send peer={} address={} error={}", peer, address, e.toString());
    }
  }

  @Override
  public void close() throws IOException {
    try {
      selector.close();
    } finally {
      channel.close();
    }
  }
}
