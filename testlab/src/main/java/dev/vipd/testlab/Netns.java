package dev.vipd.testlab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;

/**
 * Runs code inside a named network namespace (one made by {@code ip netns add}).
 *
 * <p>{@link #call} starts a fresh thread that enters the namespace with {@code setns(2)} and then
 * runs the task: sockets the task opens belong to that namespace for their whole life, whichever
 * thread uses them later. The thread ends with the task, so no other code ever runs in the
 * namespace by accident. Only the network namespace changes; the file system stays the caller's.
 */
public final class Netns {
  /** Long enough for opening sockets; tasks that wait on the network pass their own bound. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

  private static final int O_RDONLY = 0;
  private static final int O_CLOEXEC = 0x80000;
  private static final int CLONE_NEWNET = 0x40000000;

  /** The libc calls this class needs. Public only because jnr-ffi implements it. */
  @SaveError
  public interface LibC {
    int open(String path, int flags);

    int setns(int fd, int nstype);

    int close(int fd);

    String strerror(int errno);
  }

  private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
  private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

  private Netns() {}

  /** The file {@code ip netns add NAME} creates. */
  public static Path path(String name) {
    if (name.isEmpty() || name.contains("/")) {
      throw new IllegalArgumentException("invalid namespace name: '" + name + "'");
    }
    return Path.of("/var/run/netns", name);
  }

  /** Runs {@code task} in namespace {@code name} and returns its result. */
  public static <T> T call(String name, Callable<T> task) throws Exception {
    return call(name, DEFAULT_TIMEOUT, task);
  }

  /**
   * Runs {@code task} in namespace {@code name} on a new thread and returns its result, waiting at
   * most {@code timeout} (then the thread is interrupted and a {@link TimeoutException} thrown).
   * The task's exception is rethrown as is.
   */
  public static <T> T call(String name, Duration timeout, Callable<T> task) throws Exception {
    Path file = path(name);
    if (!Files.exists(file)) {
      throw new IllegalArgumentException("network namespace " + name + " not found (" + file + ")");
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      try {
        enter(file);
        result.complete(task.call());
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    }, "netns-" + name);
    thread.setDaemon(true);
    thread.start();
    try {
      return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception ex) {
        throw ex;
      }
      throw new IllegalStateException("task in network namespace " + name + " failed", cause);
    } catch (TimeoutException e) {
      thread.interrupt();
      throw new TimeoutException("task in network namespace " + name + " took over " + timeout);
    }
  }

  private static void enter(Path file) throws IOException {
    int fd = LIBC.open(file.toString(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      throw new IOException("opening " + file + ": " + LIBC.strerror(RUNTIME.getLastError()));
    }
    try {
      if (LIBC.setns(fd, CLONE_NEWNET) != 0) {
        throw new IOException("entering " + file + ": " + LIBC.strerror(RUNTIME.getLastError()));
      }
    } finally {
      LIBC.close(fd);
    }
  }
}
