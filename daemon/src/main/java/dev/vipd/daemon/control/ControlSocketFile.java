package dev.vipd.daemon.control;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file of the control socket: creating it owner-only, replacing a stale one, and removing it.
 *
 * <p>The socket is bound under a temporary name, set to {@code 0600} and then renamed into place,
 * so that it never exists at its real path with the wider mode the umask would give it. A file left
 * at the path by a crashed vipd is removed only after a connect to it is refused; if something
 * answers, another vipd is running and this one refuses to start. Two daemons starting in the same
 * millisecond can both pass that check; the second rename wins and the first keeps an unreachable
 * socket. systemd never starts a unit twice, so this race is accepted.
 */
final class ControlSocketFile {
  private static final Logger log = LoggerFactory.getLogger(ControlSocketFile.class);

  /** {@code sizeof(sun_path)} minus the terminating NUL. */
  static final int MAX_PATH_BYTES = 107;

  static final Set<PosixFilePermission> SOCKET_MODE = PosixFilePermissions.fromString("rw-------");
  static final Set<PosixFilePermission> DIRECTORY_MODE =
      PosixFilePermissions.fromString("rwxr-xr-x");

  private final Path path;
  private Object fileKey;

  ControlSocketFile(Path path) {
    this.path = Objects.requireNonNull(path, "path").toAbsolutePath();
    int length = this.path.toString().getBytes(StandardCharsets.UTF_8).length;
    if (length > MAX_PATH_BYTES) {
      throw new IllegalArgumentException(
          "invalid control socket path: "
              + this.path
              + " is "
              + length
              + " bytes (expected: at most "
              + MAX_PATH_BYTES
              + " bytes)");
    }
  }

  /**
   * Pending connections the kernel queues before a connect fails with EAGAIN: room for a burst of
   * clients while the server thread drains them (Java's default is 50; the kernel caps it at
   * {@code net.core.somaxconn}).
   */
  static final int BACKLOG = 512;

  Path path() {
    return path;
  }

  /** Creates the directory, clears a stale socket and returns a listening channel at the path. */
  ServerSocketChannel bind() throws IOException {
    createParent();
    clearStale();
    Path temporary = path.resolveSibling("." + ProcessHandle.current().pid());
    Files.deleteIfExists(temporary);
    ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.bind(UnixDomainSocketAddress.of(temporary), BACKLOG);
      Files.setPosixFilePermissions(temporary, SOCKET_MODE);
      Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE);
      fileKey = attributes().fileKey();
      return channel;
    } catch (IOException e) {
      channel.close();
      Files.deleteIfExists(temporary);
      throw new IOException("creating control socket " + path + ": " + e.getMessage(), e);
    }
  }

  /** Removes the socket file if it is still the one {@link #bind()} created. */
  void remove() {
    if (fileKey == null) {
      return;
    }
    try {
      if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && fileKey.equals(attributes().fileKey())) {
        Files.delete(path);
      }
    } catch (IOException e) {
      log.warn("op=control path={} removing socket file failed: {}", path, e.toString());
    }
    fileKey = null;
  }

  private void createParent() throws IOException {
    Path parent = path.getParent();
    if (parent == null || Files.isDirectory(parent)) {
      return;
    }
    createParent(parent);
  }

  private static void createParent(Path dir) throws IOException {
    Path above = dir.getParent();
    if (above != null && !Files.isDirectory(above)) {
      createParent(above);
    }
    try {
      Files.createDirectory(dir);
      Files.setPosixFilePermissions(dir, DIRECTORY_MODE);
    } catch (IOException e) {
      throw new IOException("creating directory " + dir + " for the control socket: " + e, e);
    }
  }

  private void clearStale() throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!attributes().isOther()) {
      throw new IOException(
          "cannot create control socket " + path + ": the path exists and is not a socket");
    }
    try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
      throw new IOException(
          "cannot create control socket " + path + ": another vipd is listening on it");
    } catch (ConnectException refused) {
      log.info("op=control path={} removing stale socket file", path);
      Files.delete(path);
    }
  }

  private BasicFileAttributes attributes() throws IOException {
    return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
  }
}
