package dev.vipd.daemon;

import dev.vipd.cluster.DuplicateNodeNameException;
import dev.vipd.daemon.config.ConfigException;
import dev.vipd.daemon.config.ConfigLoader;
import dev.vipd.daemon.config.VipdConfig;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vipd run --config FILE}: runs the daemon in the foreground until SIGTERM or SIGINT.
 *
 * <p>SIGTERM (and SIGINT) hand every VIP over to the other nodes, then exit within {@link
 * VipdDaemon#LEAVE_TIMEOUT} plus a few seconds. SIGHUP reloads the file; a bad file is refused
 * whole and the running configuration stays. With {@code NOTIFY_SOCKET} set, systemd hears {@code
 * READY=1} once the node has joined (with or without quorum, so a lone node is not restarted in a
 * loop), {@code STOPPING=1} at stop, and {@code WATCHDOG=1} at half of {@code WATCHDOG_USEC}.
 * Exit code 3 when the file is refused, or when an older member already has this node's name
 * (that member is undisturbed). Everything is wired by {@link VipdDaemon}; this command only
 * parses and calls.
 */
@Command(name = "run", description = "Run vipd in the foreground (logs to stdout).")
final class RunCommand implements Callable<Integer> {

  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
      description = "The configuration file (HOCON).")
  Path configFile;

  @Override
  public Integer call() throws Exception {
    VipdDaemon daemon;
    try {
      VipdConfig config = ConfigLoader.load(configFile);
      Optional<String> missingCapability = Capabilities.missingHere(config.bindMode());
      if (missingCapability.isPresent()) {
        System.err.println(missingCapability.get());
        return ExitCodes.FAILURE;
      }
      daemon = VipdDaemon.start(config, configFile);
    } catch (ConfigException | DuplicateNodeNameException e) {
      // One line (per problem): a file that cannot run, or a name another member already uses.
      System.err.println(e.getMessage());
      return ExitCodes.BAD_CONFIG;
    }
    try (daemon) {
      daemon.awaitStop();
    }
    return ExitCodes.OK;
  }
}
