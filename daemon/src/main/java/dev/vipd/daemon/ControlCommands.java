package dev.vipd.daemon;

import dev.vipd.daemon.control.ControlClient;
import dev.vipd.daemon.control.ControlReply;
import dev.vipd.daemon.control.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The commands that talk to a running vipd over its control socket. */
final class ControlCommands {
  private ControlCommands() {}

  /** Where {@code vipd run} listens by default ({@code vipd.control-socket}). */
  static final String DEFAULT_SOCKET = "/run/vipd/control.sock";

  abstract static class Base implements Callable<Integer> {
    @Option(names = "--socket", paramLabel = "PATH", defaultValue = DEFAULT_SOCKET,
        description = "The daemon's control socket (default: ${DEFAULT-VALUE}).")
    Path socket;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "PT15S",
        description = "How long to wait for the reply, ISO-8601 (default: 15 s).")
    Duration timeout;

    abstract String command();

    @Override
    public Integer call() {
      try {
        ControlReply reply = ControlClient.send(socket, command(), timeout);
        if (!reply.ok()) {
          System.err.println("vipd: " + reply.body());
          return ExitCodes.FAILURE;
        }
        return done(reply.body());
      } catch (IOException e) {
        System.err.println(e.getMessage());
        return ExitCodes.UNREACHABLE;
      }
    }

    Integer done(String body) throws IOException {
      System.out.println(body);
      return ExitCodes.OK;
    }
  }

  @Command(name = "drain",
      description = "Hand every VIP of this node over to the others; stays drained across restarts.")
  static final class Drain extends Base {
    @Override
    String command() {
      return "drain";
    }

    /** Waits (bounded by --timeout) until the cluster names this node for no VIP. */
    @Override
    Integer done(String body) throws IOException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        ControlReply owned = ControlClient.send(socket, "owned", timeout);
        if (owned.ok() && owned.body().replace(" ", "").equals("{\"owned\":0}")) {
          System.out.println("drained: this node owns no VIP");
          return ExitCodes.OK;
        }
        sleep();
      }
      System.err.println("vipd: drain still in progress after " + timeout.toSeconds()
          + " s (see vipd status)");
      return ExitCodes.FAILURE;
    }

    private static void sleep() {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Command(name = "undrain", description = "Make this node eligible again after a drain.")
  static final class Undrain extends Base {
    @Override
    String command() {
      return "undrain";
    }

    @Override
    Integer done(String body) {
      System.out.println("undrained: this node is eligible again");
      return ExitCodes.OK;
    }
  }

  @Command(name = "status",
      description = "This node's view: members, pools, each VIP with owner, epoch and since.")
  static final class Status extends Base {
    @Option(names = "--json", description = "Print the raw JSON.")
    boolean json;

    @Override
    String command() {
      return json ? "status" : "status-text";
    }

    @Override
    Integer done(String body) {
      System.out.println(json ? body : Json.unquote(body));
      return ExitCodes.OK;
    }
  }
}
