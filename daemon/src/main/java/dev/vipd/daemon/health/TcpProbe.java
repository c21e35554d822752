package dev.vipd.daemon.health;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * Passes when a TCP connection to the check's host and port is established within the timeout; the
 * connection is closed at once without sending anything. The host name is resolved on every run, so
 * a check follows DNS changes.
 */
final class TcpProbe implements Probe {
  private final HealthCheckSpec.Tcp spec;

  TcpProbe(HealthCheckSpec.Tcp spec) {
    this.spec = spec;
  }

  @Override
  public ProbeResult run() {
    InetSocketAddress target = new InetSocketAddress(spec.host(), spec.port());
    if (target.isUnresolved()) {
      return ProbeResult.fail("cannot resolve " + spec.host());
    }
    int timeoutMillis = (int) Math.max(1, spec.timing().timeout().toMillis());
    try (Socket socket = new Socket()) {
      socket.connect(target, timeoutMillis);
      return ProbeResult.pass("connected to " + describe(target));
    } catch (IOException e) {
      return ProbeResult.fail("connecting to " + describe(target) + ": " + e.getMessage());
    }
  }

  private static String describe(InetSocketAddress target) {
    return target.getAddress().getHostAddress() + " port " + target.getPort();
  }
}
