package dev.vipd.daemon.e2e;

import dev.vipd.protocol.wire.InetAddresses;
import dev.vipd.testlab.Host;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A client that sends a UDP request to one VIP every {@value #PERIOD_MS} ms from the client's
 * namespace and records, per request, who answered or that it was lost (no reply with the same
 * sequence number from the VIP itself within {@value #TIMEOUT_MS} ms).
 */
public final class Prober implements AutoCloseable {
  static final int PERIOD_MS = 10;
  // Generous: a reply delayed by a GC pause or an unscheduled thread on a loaded machine is not
  // a lost request; a real outage still shows, as a run of requests lost.
  static final int TIMEOUT_MS = 500;

  /** One request: when it was sent (ms since start) and who answered, null when lost. */
  public record Probe(long seq, long sentMillis, String answeredBy) {}

  private final InetAddress vip;
  private final int port;
  private final DatagramSocket socket;
  private final List<Probe> probes = new ArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;
  private final long start = System.nanoTime();

  private Prober(Host client, InetAddress vip, int port) {
    this.vip = vip;
    this.port = port;
    // The socket belongs to the client's namespace for its whole life, whichever thread uses it.
    this.socket = client.inside(() -> {
      DatagramSocket s = new DatagramSocket();
      s.setSoTimeout(TIMEOUT_MS);
      return s;
    });
    this.thread = new Thread(this::loop, "prober-" + vip.getHostAddress());
    thread.setDaemon(true);
  }

  /** Starts probing {@code vip:port} from {@code client}. */
  public static Prober start(Host client, InetAddress vip, int port) {
    Prober p = new Prober(client, vip, port);
    p.thread.start();
    return p;
  }

  /** Sends one request and waits for its reply: the answering host's name, or null. */
  public static String askOnce(Host client, InetAddress vip, int port) {
    try (Prober p = new Prober(client, vip, port)) {
      for (int i = 0; i < 10; i++) {
        String who = p.probe(i);
        if (who != null) {
          return who;
        }
      }
      return null;
    }
  }

  private void loop() {
    long seq = 0;
    while (running) {
      long sent = System.nanoTime();
      String who = probe(seq);
      synchronized (probes) {
        probes.add(new Probe(seq, TimeUnit.NANOSECONDS.toMillis(sent - start), who));
      }
      seq++;
      long sleep = PERIOD_MS - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
      if (sleep > 0) {
        try {
          Thread.sleep(sleep);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private String probe(long seq) {
    byte[] request = Long.toString(seq).getBytes(StandardCharsets.US_ASCII);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
    try {
      socket.send(new DatagramPacket(request, request.length, vip, port));
      byte[] buf = new byte[512];
      while (true) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          return null;
        }
        socket.setSoTimeout((int) left);
        DatagramPacket reply = new DatagramPacket(buf, buf.length);
        socket.receive(reply);
        String[] parts =
            new String(buf, 0, reply.getLength(), StandardCharsets.US_ASCII).trim().split(" ");
        // A late reply to an earlier request, or one from another source address, is not it.
        if (parts.length == 2 && parts[1].equals(Long.toString(seq))
            && reply.getAddress().equals(vip)) {
          return parts[0];
        }
      }
    } catch (SocketTimeoutException e) {
      return null;
    } catch (java.io.IOException e) {
      // A network unreachable (address being moved) counts as a lost request; pace the retry.
      sleepQuietly(TIMEOUT_MS);
      return null;
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Snapshot of the requests so far. */
  public List<Probe> probes() {
    synchronized (probes) {
      return List.copyOf(probes);
    }
  }

  /** The host that answered the latest request, or null if it was lost. */
  public String lastAnswer() {
    synchronized (probes) {
      return probes.isEmpty() ? null : probes.get(probes.size() - 1).answeredBy();
    }
  }

  /**
   * Waits (bounded) until the last {@code streak} requests were all answered by a host other than
   * {@code oldHost}; true if that happened in time.
   */
  public boolean awaitAnsweredByOtherThan(String oldHost, int streak, long timeoutMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (System.nanoTime() < deadline) {
      List<Probe> all = probes();
      if (all.size() >= streak) {
        boolean ok = true;
        for (Probe p : all.subList(all.size() - streak, all.size())) {
          if (p.answeredBy() == null || p.answeredBy().equals(oldHost)) {
            ok = false;
            break;
          }
        }
        if (ok) {
          return true;
        }
      }
      sleepQuietly(20);
    }
    return false;
  }

  /** Waits until at least {@code count} requests were made (bounded). */
  public void awaitRequests(int count, long timeoutMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (probes().size() < count && System.nanoTime() < deadline) {
      sleepQuietly(10);
    }
  }

  /** Stops probing and returns the summary. */
  public Summary stop() {
    running = false;
    thread.interrupt();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    socket.close();
    return new Summary(InetAddresses.format(vip), probes());
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    socket.close();
  }

  /** What the client saw: requests, losses, and the longest gap between two answers. */
  public record Summary(String vip, List<Probe> probes) {
    public long lost() {
      return probes.stream().filter(p -> p.answeredBy() == null).count();
    }

    /** Longest time from the last answered request before a loss to the next answered one. */
    public long outageMillis() {
      long worst = 0;
      Long lastOk = null;
      boolean gap = false;
      for (Probe p : probes) {
        if (p.answeredBy() == null) {
          gap = true;
        } else {
          if (gap && lastOk != null) {
            worst = Math.max(worst, p.sentMillis() - lastOk);
          }
          gap = false;
          lastOk = p.sentMillis();
        }
      }
      return worst;
    }

    /** The hosts that answered, in order of first appearance. */
    public List<String> answerers() {
      List<String> out = new ArrayList<>();
      for (Probe p : probes) {
        if (p.answeredBy() != null && !out.contains(p.answeredBy())) {
          out.add(p.answeredBy());
        }
      }
      return out;
    }

    @Override
    public String toString() {
      return String.format("%s: %d requests, %d lost, longest outage %d ms, answered by %s", vip,
          probes.size(), lost(), outageMillis(), answerers());
    }
  }
}
