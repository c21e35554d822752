package dev.vipd.protocol.raw;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One descriptor's registration with a Netty epoll event loop through the public {@code IoHandle}
 * API: armed for {@code EPOLLIN} once ({@link #arm}), cancelled once ({@link #cancel}). Both steps
 * run on the loop, so a cancel that races the registration still wins.
 */
final class LoopRegistration {
  /** Upper bound for the loop to accept the registration; it only queues a task. */
  private static final long REGISTER_WAIT_SECONDS = 5;

  private final IoEventLoop loop;
  private final EpollIoHandle handle;
  private volatile boolean cancelled;
  private volatile IoRegistration registration;

  LoopRegistration(IoEventLoop loop, EpollIoHandle handle) {
    this.loop = loop;
    this.handle = handle;
  }

  /** Registers the handle and asks for read readiness; waits until the loop has done both. */
  void arm() throws IOException {
    CompletableFuture<Void> armed = new CompletableFuture<>();
    loop.register(handle).addListener(done -> {
      if (!done.isSuccess()) {
        armed.completeExceptionally(done.cause());
        return;
      }
      IoRegistration r = (IoRegistration) done.getNow();
      registration = r;
      try {
        if (cancelled) {
          r.cancel();
        } else {
          r.submit(EpollIoOps.EPOLLIN); // until this the descriptor is never polled
        }
        armed.complete(null);
      } catch (RuntimeException e) {
        armed.completeExceptionally(e);
      }
    });
    try {
      armed.get(REGISTER_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IOException("registering with the event loop failed", e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("event loop did not register the socket in "
          + REGISTER_WAIT_SECONDS + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while registering with the event loop", e);
    }
  }

  /**
   * Stops polling. Off the loop, waits at most {@code waitMillis} for the loop to do it.
   *
   * @return false if the loop was busy longer than that (a handler may still be running)
   */
  boolean cancel(long waitMillis) {
    cancelled = true;
    if (loop.inEventLoop()) {
      cancelNow();
      return true;
    }
    try {
      Future<?> done = loop.submit(this::cancelNow);
      return done.awaitUninterruptibly(waitMillis);
    } catch (RejectedExecutionException e) {
      return true; // the loop has shut down: it polls nothing any more
    }
  }

  private void cancelNow() {
    IoRegistration r = registration;
    if (r != null) {
      r.cancel();
    }
  }
}
