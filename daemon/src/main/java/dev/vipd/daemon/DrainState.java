package dev.vipd.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * The drain state file ({@code vipd.drain-state-file}): present while this node is drained, so
 * that a drained node stays drained across restarts.
 *
 * <p>The file is written atomically: the content goes to a temporary file in the same directory,
 * which is flushed to disk ({@code fsync}) and then renamed over the state file, and the
 * directory is flushed too. A write that fails half-way (a full disk: {@code ENOSPC}) leaves the
 * previous state as it was and throws, so the caller can report it; it never leaves an empty or
 * partial file that a restart would misread.
 */
final class DrainState {
  private static final byte[] CONTENT = "drained\n".getBytes(StandardCharsets.US_ASCII);

  private final Path file;

  DrainState(Path file) {
    this.file = Objects.requireNonNull(file, "file");
  }

  Path file() {
    return file;
  }

  /** Whether the node was left drained. */
  boolean isDrained() {
    return Files.exists(file);
  }

  /**
   * Records the drain.
   *
   * @throws IOException when it cannot be recorded; the previous state is unchanged
   */
  void markDrained() throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = dir.resolve("." + file.getFileName() + ".tmp");
    try {
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE,
          StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer content = ByteBuffer.wrap(CONTENT);
        while (content.hasRemaining()) {
          out.write(content);
        }
        out.force(true);
      }
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot rename " + temp + " to " + file + " atomically", e);
      }
    } catch (IOException e) {
      IOException reported =
          new IOException("writing the drain state file " + file + ": " + e.getMessage(), e);
      try {
        Files.deleteIfExists(temp);
      } catch (IOException cleanup) {
        reported.addSuppressed(cleanup);
      }
      throw reported;
    }
    syncDirectory(dir);
  }

  /**
   * Clears the drain.
   *
   * @throws IOException when the file cannot be removed; the node then stays drained on disk
   */
  void clear() throws IOException {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new IOException("removing the drain state file " + file + ": " + e.getMessage(), e);
    }
    syncDirectory(file.toAbsolutePath().getParent());
  }

  /** Makes the rename itself durable; best effort where a directory cannot be opened. */
  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Some file systems refuse to open a directory; the rename is still atomic there.
    }
  }
}
