package dev.vipd.daemon.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlServerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @TempDir Path dir;
  private final AtomicBoolean draining = new AtomicBoolean();
  private ControlServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private ControlServer server(Path path, Duration clientTimeout) {
    return new ControlServer(
        path,
        Map.of(
            "drain", () -> "{\"draining\":" + draining.getAndSet(true) + "}",
            "undrain", () -> "{\"draining\":" + draining.getAndSet(false) + "}",
            "status", () -> "{\n  \"draining\": " + draining.get() + "\n}",
            "explode",
                () -> {
                  throw new IllegalStateException("cluster not joined");
                }),
        clientTimeout);
  }

  private Path started() throws IOException {
    Path path = dir.resolve("run/vipd/control.sock");
    server = server(path, TIMEOUT);
    server.start();
    return path;
  }

  @Test
  void socketIsOwnerOnlyInADirectoryCreated0755() throws Exception {
    Path path = started();

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path.getParent())))
        .isEqualTo("rwxr-xr-x");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("run"))))
        .isEqualTo("rwxr-xr-x");
    try (var listing = Files.list(path.getParent())) {
      assertThat(listing).containsExactly(path);
    }
  }

  @Test
  void drainUndrainStatusRoundTrip() throws Exception {
    Path path = started();

    assertThat(ControlClient.send(path, "ping", TIMEOUT))
        .isEqualTo(new ControlReply(true, "\"pong\""));
    assertThat(ControlClient.send(path, "drain", TIMEOUT))
        .isEqualTo(new ControlReply(true, "{\"draining\":false}"));
    assertThat(draining).isTrue();
    assertThat(ControlClient.send(path, "status", TIMEOUT).body())
        .isEqualTo("{   \"draining\": true }");
    assertThat(ControlClient.send(path, "undrain", TIMEOUT))
        .isEqualTo(new ControlReply(true, "{\"draining\":true}"));
    assertThat(draining).isFalse();
  }

  @Test
  void unknownCommandIsAnErrorReplyListingTheCommands() throws Exception {
    Path path = started();

    assertThat(ControlClient.send(path, "reboot", TIMEOUT))
        .isEqualTo(
            new ControlReply(
                false,
                "unknown command: reboot (expected one of: drain, explode, ping, status,"
                    + " undrain)"));
  }

  @Test
  void failingHandlerIsAnErrorReplyAndTheServerKeepsServing() throws Exception {
    Path path = started();

    assertThat(ControlClient.send(path, "explode", TIMEOUT))
        .isEqualTo(new ControlReply(false, "explode failed: cluster not joined"));
    assertThat(ControlClient.send(path, "ping", TIMEOUT).ok()).isTrue();
  }

  @Test
  void wireFormatIsOneJsonLinePerConnection() throws Exception {
    Path path = started();

    assertThat(raw(path, "drain\n")).isEqualTo("{\"ok\":true,\"result\":{\"draining\":false}}\n");
    assertThat(raw(path, "nope\n"))
        .startsWith("{\"ok\":false,\"error\":\"unknown command: nope (")
        .endsWith("\"}\n");
  }

  @Test
  void oversizeLineIsRefused() throws Exception {
    Path path = started();

    String reply = raw(path, "x".repeat(ControlProtocol.MAX_REQUEST + 10));

    assertThat(reply)
        .isEqualTo("{\"ok\":false,\"error\":\"request too long (expected: at most 256 bytes)\"}\n");
    assertThat(draining).isFalse();
  }

  @Test
  void silentClientIsDropped() throws Exception {
    Path path = dir.resolve("control.sock");
    server = server(path, Duration.ofMillis(200));
    server.start();
    try (SocketChannel silent = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
      long start = System.nanoTime();

      assertThat(silent.read(ByteBuffer.allocate(16))).isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
      // a silent client does not block others meanwhile, and the server keeps serving after it
      assertThat(ControlClient.send(path, "ping", TIMEOUT).ok()).isTrue();
    }
  }

  @Test
  void staleSocketFileIsReplaced() throws Exception {
    Path path = dir.resolve("control.sock");
    try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      crashed.bind(UnixDomainSocketAddress.of(path));
    }
    assertThat(path).exists();

    server = server(path, TIMEOUT);
    server.start();

    assertThat(ControlClient.send(path, "ping", TIMEOUT).ok()).isTrue();
  }

  @Test
  void secondServerOnTheSamePathIsRefusedAndTheFirstKeepsWorking() throws Exception {
    Path path = started();
    ControlServer second = server(path, TIMEOUT);

    assertThatThrownBy(second::start)
        .isInstanceOf(IOException.class)
        .hasMessage("cannot create control socket " + path + ": another vipd is listening on it");
    assertThat(ControlClient.send(path, "ping", TIMEOUT).ok()).isTrue();
  }

  @Test
  void regularFileAtThePathIsNotRemoved() throws Exception {
    Path path = dir.resolve("control.sock");
    Files.writeString(path, "important");
    server = server(path, TIMEOUT);

    assertThatThrownBy(server::start).hasMessageContaining("exists and is not a socket");
    assertThat(path).hasContent("important");
  }

  @Test
  void closeRemovesTheSocketFile() throws Exception {
    Path path = started();
    server.close();

    assertThat(path).doesNotExist();
    assertThatThrownBy(() -> ControlClient.send(path, "ping", TIMEOUT))
        .hasMessage(
            "cannot reach vipd at " + path + ": No such file or directory (is vipd running?)");
  }

  @Test
  void clientExplainsARefusedConnection() throws Exception {
    Path path = dir.resolve("control.sock");
    try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      crashed.bind(UnixDomainSocketAddress.of(path));
    }

    assertThatThrownBy(() -> ControlClient.send(path, "ping", TIMEOUT))
        .hasMessage("cannot reach vipd at " + path + ": Connection refused (is vipd running?)");
  }

  @Test
  void clientTimesOutOnAServerThatNeverReplies() throws Exception {
    Path path = dir.resolve("control.sock");
    try (ServerSocketChannel mute = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      mute.bind(UnixDomainSocketAddress.of(path));

      assertThatThrownBy(() -> ControlClient.send(path, "ping", Duration.ofMillis(200)))
          .hasMessage("no reply from vipd at " + path + " within 200 ms");
    }
  }

  @Test
  void clientReportsAGarbledReply() throws Exception {
    Path path = dir.resolve("control.sock");
    try (ServerSocketChannel impostor = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      impostor.bind(UnixDomainSocketAddress.of(path));
      Thread answer =
          new Thread(
              () -> {
                try (SocketChannel c = impostor.accept()) {
                  c.read(ByteBuffer.allocate(64));
                  c.write(ByteBuffer.wrap("HTTP/1.0 200 OK\n".getBytes(StandardCharsets.UTF_8)));
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      answer.start();

      assertThatThrownBy(() -> ControlClient.send(path, "ping", TIMEOUT))
          .hasMessage("vipd at " + path + " sent a malformed reply: HTTP/1.0 200 OK");
      answer.join(5000);
    }
  }

  @Test
  void clientReportsAConnectionLostBeforeTheReply() throws Exception {
    Path path = dir.resolve("control.sock");
    try (ServerSocketChannel impostor = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      impostor.bind(UnixDomainSocketAddress.of(path));
      Thread hangUp =
          new Thread(
              () -> {
                try (SocketChannel c = impostor.accept()) {
                  c.read(ByteBuffer.allocate(64));
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      hangUp.start();

      assertThatThrownBy(() -> ControlClient.send(path, "ping", TIMEOUT))
          .hasMessage("vipd at " + path + " closed the connection without a reply");
      hangUp.join(5000);
    }
  }

  @Test
  void tooLongPathIsRejectedWithItsLength() {
    Path path = dir.resolve("x".repeat(120));

    assertThatThrownBy(() -> server(path, TIMEOUT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid control socket path: " + path)
        .hasMessageEndingWith("(expected: at most 107 bytes)");
  }

  private static String raw(Path path, String request) throws IOException {
    try (SocketChannel socket = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
      socket.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)));
      ByteBuffer reply = ByteBuffer.allocate(4096);
      while (socket.read(reply) >= 0) {
        if (!reply.hasRemaining()) {
          break;
        }
      }
      return new String(reply.array(), 0, reply.position(), StandardCharsets.UTF_8);
    }
  }
}
