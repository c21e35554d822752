package dev.vipd.daemon.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many idle or slow clients (far more than {@link ControlServer#MAX_CLIENTS}) must not lock the CLI
 * out: each new connection makes room by dropping the one that waited longest for its request.
 */
class ControlServerCrowdTest {
  @TempDir Path dir;

  @Test
  void aCrowdOfIdleClientsDoesNotLockOutAClientWithARequest() throws Exception {
    Path path = dir.resolve("control.sock");
    // A long client timeout: without making room, the crowd would hold every slot for 30 s.
    ControlServer server = new ControlServer(path, Map.of("status", () -> "{}"),
        Duration.ofSeconds(30));
    server.start();
    List<SocketChannel> crowd = new ArrayList<>();
    try {
      for (int i = 0; i < 5 * ControlServer.MAX_CLIENTS; i++) {
        SocketChannel idle = SocketChannel.open(UnixDomainSocketAddress.of(path));
        idle.write(ByteBuffer.wrap(new byte[] {'s', 't'})); // a request that never ends
        crowd.add(idle);
      }
      Thread.sleep(200); // the crowd is accepted: every slot is taken by a client that waits
      for (int i = 0; i < 10; i++) {
        long t0 = System.nanoTime();
        ControlReply reply = ControlClient.send(path, "status", Duration.ofSeconds(10));
        assertThat(reply.ok()).isTrue();
        // Well inside the crowd's 30 s timeout: room was made, the client did not wait it out.
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        SocketChannel idle = SocketChannel.open(UnixDomainSocketAddress.of(path));
        crowd.add(idle); // and the crowd keeps growing
      }
      // The oldest idle ones were dropped to make room: the server closed them.
      assertThat(crowd.get(0).read(ByteBuffer.allocate(8))).isEqualTo(-1);
    } finally {
      for (SocketChannel c : crowd) {
        try {
          c.close();
        } catch (IOException e) {
          // best effort
        }
      }
      server.close();
    }
  }
}
