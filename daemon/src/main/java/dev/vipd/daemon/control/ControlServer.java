package dev.vipd.daemon.control;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local control socket that {@code vipd drain}, {@code vipd undrain} and {@code vipd status}
 * talk to: a Unix domain stream socket, mode {@code 0600}, one command line per connection and one
 * JSON line back (see {@link ControlProtocol}).
 *
 * <p>One daemon thread serves all connections with a selector, so a client that connects and sends
 * nothing cannot hold up another: it is dropped after the client timeout. At most {@link
 * #MAX_CLIENTS} connections are served at once; when one more arrives, the connection that has
 * waited longest without sending a whole request is closed to make room, so slow or idle clients
 * cannot lock out the CLI (a client with its request ready is answered on its first turn). {@code
 * ping} is built in; the other commands are the handlers given by the wiring.
 *
 * <p>Lifecycle: the constructor only stores its arguments; {@link #start()} creates the socket file
 * (see {@link ControlSocketFile}) and the thread; {@link #close()} stops both and removes the file.
 */
public final class ControlServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

  /** How long a client may take to send its command and read the reply. */
  public static final Duration DEFAULT_CLIENT_TIMEOUT = Duration.ofSeconds(5);

  /** Connections served at once; the CLI opens one at a time, so 16 is generous. */
  static final int MAX_CLIENTS = 16;

  /** Connections taken from the backlog per selector turn: keeps the backlog (50) from filling. */
  private static final int ACCEPTS_PER_TURN = 64;

  private final ControlSocketFile file;
  private final Map<String, ControlHandler> handlers;
  private final long clientTimeoutNanos;
  private ServerSocketChannel channel;
  private Selector selector;
  private Thread thread;
  private volatile boolean running;

  /**
   * @param path where the socket file is created
   * @param handlers command name to handler, e.g. {@code drain}, {@code undrain}, {@code status}
   * @param clientTimeout how long a client may take to send its command and read the reply
   */
  public ControlServer(Path path, Map<String, ControlHandler> handlers, Duration clientTimeout) {
    this.file = new ControlSocketFile(path);
    Map<String, ControlHandler> all = new TreeMap<>(handlers);
    all.putIfAbsent("ping", () -> "\"pong\"");
    this.handlers = Collections.unmodifiableMap(all);
    if (clientTimeout.isNegative() || clientTimeout.isZero()) {
      throw new IllegalArgumentException(
          "invalid client timeout: " + clientTimeout + " (expected: more than 0)");
    }
    this.clientTimeoutNanos = clientTimeout.toNanos();
  }

  /** The socket file's path. */
  public Path path() {
    return file.path();
  }

  /** Creates the socket file and starts serving. */
  public synchronized void start() throws IOException {
    if (thread != null) {
      throw new IllegalStateException("control server already started");
    }
    channel = file.bind();
    try {
      channel.configureBlocking(false);
      selector = Selector.open();
      channel.register(selector, SelectionKey.OP_ACCEPT);
    } catch (IOException e) {
      closeQuietly();
      throw new IOException("starting control server on " + file.path() + ": " + e, e);
    }
    running = true;
    thread = new Thread(this::serve, "vipd-control");
    thread.setDaemon(true);
    thread.start();
    log.info("op=control path={} listening", file.path());
  }

  /** Stops serving, closes every connection and removes the socket file. */
  @Override
  public synchronized void close() {
    if (thread == null) {
      return;
    }
    running = false;
    selector.wakeup();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeQuietly();
    thread = null;
  }

  private void closeQuietly() {
    try {
      if (selector != null) {
        for (SelectionKey key : selector.keys()) {
          key.channel().close();
        }
        selector.close();
      }
      channel.close();
    } catch (IOException | ClosedSelectorException e) {
      log.debug("op=control closing: {}", e.toString());
    }
    file.remove();
  }

  private void serve() {
    while (running) {
      try {
        long now = System.nanoTime();
        long wait = dropExpired(now);
        selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)));
        for (SelectionKey key : selector.selectedKeys()) {
          handleKey(key);
        }
        selector.selectedKeys().clear();
      } catch (ClosedSelectorException e) {
        return;
      } catch (IOException | RuntimeException e) {
        log.warn("op=control serving failed, continuing: {}", e.toString(), e);
      }
    }
  }

  /** Closes clients past their deadline; returns the time until the next deadline. */
  private long dropExpired(long now) throws IOException {
    long next = clientTimeoutNanos;
    for (SelectionKey key : selector.keys()) {
      if (key.attachment() instanceof Client client) {
        long left = client.deadline - now;
        if (left <= 0) {
          log.debug("op=control client timed out");
          key.channel().close();
        } else {
          next = Math.min(next, left);
        }
      }
    }
    return next;
  }

  private void handleKey(SelectionKey key) throws IOException {
    if (!key.isValid()) {
      return;
    }
    if (key.isAcceptable()) {
      accept();
      return;
    }
    Client client = (Client) key.attachment();
    SocketChannel socket = (SocketChannel) key.channel();
    try {
      if (key.isReadable()) {
        read(key, client, socket);
      }
      if (key.isValid() && key.isWritable()) {
        write(key, client, socket);
      }
    } catch (IOException e) {
      log.debug("op=control client failed: {}", e.toString());
      socket.close();
    }
  }

  /** Takes every pending connection (bounded per turn), so a burst cannot fill the backlog. */
  private void accept() throws IOException {
    for (int i = 0; i < ACCEPTS_PER_TURN; i++) {
      SocketChannel socket = channel.accept();
      if (socket == null) {
        return;
      }
      serve(socket);
    }
  }

  private void serve(SocketChannel socket) throws IOException {
    if (liveClients() >= MAX_CLIENTS && !dropOldestWaiting()) {
      log.warn("op=control refusing client: {} connections open", MAX_CLIENTS);
      socket.close();
      return;
    }
    socket.configureBlocking(false);
    SelectionKey key = socket.register(
        selector, SelectionKey.OP_READ, new Client(System.nanoTime() + clientTimeoutNanos));
    // The CLI writes its request right after connecting: serve it now, before a later arrival
    // could make room by dropping it.
    try {
      read(key, (Client) key.attachment(), socket);
    } catch (IOException e) {
      log.debug("op=control client failed: {}", e.toString());
      socket.close();
    }
  }

  private int liveClients() {
    int n = 0;
    for (SelectionKey key : selector.keys()) {
      if (key.isValid() && key.attachment() instanceof Client) {
        n++;
      }
    }
    return n;
  }

  /**
   * Closes the connection that has waited longest for its request (replies being written are
   * left alone); false when there is none.
   */
  private boolean dropOldestWaiting() throws IOException {
    SelectionKey oldest = null;
    for (SelectionKey key : selector.keys()) {
      if (key.isValid() && key.attachment() instanceof Client c && c.out == null
          && (oldest == null || c.deadline - ((Client) oldest.attachment()).deadline < 0)) {
        oldest = key;
      }
    }
    if (oldest == null) {
      return false;
    }
    log.debug("op=control dropping the longest-waiting client to make room");
    oldest.channel().close(); // its key leaves the key set with the next select
    return true;
  }

  private void read(SelectionKey key, Client client, SocketChannel socket) throws IOException {
    if (client.out != null) {
      discard(client, socket);
      return;
    }
    int n = socket.read(client.in);
    int end = indexOfNewline(client.in);
    if (end >= 0) {
      reply(key, client, execute(text(client.in, end)));
    } else if (n < 0) {
      if (client.in.position() == 0) {
        socket.close();
      } else {
        reply(key, client, execute(text(client.in, client.in.position())));
      }
    } else if (!client.in.hasRemaining()) {
      reply(
          key,
          client,
          ControlProtocol.error(
              "request too long (expected: at most " + ControlProtocol.MAX_REQUEST + " bytes)"));
    }
  }

  private void reply(SelectionKey key, Client client, String line) throws IOException {
    client.out = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
    key.interestOps(SelectionKey.OP_WRITE);
    write(key, client, (SocketChannel) key.channel());
  }

  private void write(SelectionKey key, Client client, SocketChannel socket) throws IOException {
    socket.write(client.out);
    if (!client.out.hasRemaining()) {
      // Closing with unread request bytes would reset the connection and could destroy the reply
      // before the client reads it; so end our side and read the rest until the client closes.
      socket.shutdownOutput();
      key.interestOps(SelectionKey.OP_READ);
    }
  }

  private static void discard(Client client, SocketChannel socket) throws IOException {
    client.in.clear();
    if (socket.read(client.in) < 0) {
      socket.close();
    }
  }

  /** Runs one command and returns the reply line. */
  private String execute(String command) {
    ControlHandler handler = handlers.get(command);
    if (handler == null) {
      String expected = "expected one of: " + String.join(", ", handlers.keySet());
      return ControlProtocol.error(
          command.isEmpty()
              ? "empty command (" + expected + ")"
              : "unknown command: " + command + " (" + expected + ")");
    }
    try {
      String result = handler.handle();
      log.info("op=control command={} ok", command);
      return ControlProtocol.ok(result == null ? "null" : result);
    } catch (Exception e) {
      log.warn("op=control command={} failed: {}", command, e.toString(), e);
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      return ControlProtocol.error(command + " failed: " + message);
    }
  }

  private static int indexOfNewline(ByteBuffer in) {
    for (int i = 0; i < in.position(); i++) {
      if (in.get(i) == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static String text(ByteBuffer in, int end) {
    return new String(in.array(), 0, end, StandardCharsets.UTF_8).strip();
  }

  /** One connection: its request bytes, its reply once known, and when it is dropped. */
  private static final class Client {
    final ByteBuffer in = ByteBuffer.allocate(ControlProtocol.MAX_REQUEST);
    final long deadline;
    ByteBuffer out;

    Client(long deadline) {
      this.deadline = deadline;
    }
  }
}
