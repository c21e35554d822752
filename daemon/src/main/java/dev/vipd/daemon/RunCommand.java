package dev.vipd.daemon;

import dev.vipd.daemon.config.ConfigException;
import dev.vipd.daemon.config.ConfigLoader;
import dev.vipd.daemon.config.VipdConfig;
import dev.vipd.daemon.control.ControlServer;
import dev.vipd.daemon.http.HttpEndpoint;
import dev.vipd.daemon.metrics.VipdMetrics;
import dev.vipd.daemon.systemd.SystemdNotifier;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * {@code vipd run --config FILE}: runs the daemon in the foreground until SIGTERM or SIGINT.
 *
 * <p>SIGTERM (and SIGINT) hand every VIP over to the other nodes, then exit within {@link
 * VipdDaemon#LEAVE_TIMEOUT} plus a few seconds. SIGHUP reloads the file; a bad file is refused
 * whole and the running configuration stays. With {@code NOTIFY_SOCKET} set, systemd hears {@code
 * READY=1} once the node has joined (with or without quorum, so a lone node is not restarted in a
 * loop), {@code STOPPING=1} at stop, and {@code WATCHDOG=1} at half of {@code WATCHDOG_USEC}.
 */
@Command(name = "run", description = "Run vipd in the foreground (logs to stdout).")
final class RunCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
      description = "The configuration file (HOCON).")
  Path configFile;

  @Override
  public Integer call() throws Exception {
    VipdConfig config;
    try {
      config = ConfigLoader.load(configFile);
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      return Vipd.BAD_CONFIG;
    }
    Optional<String> missingCapability = Capabilities.missingHere(config.bindMode());
    if (missingCapability.isPresent()) {
      System.err.println(missingCapability.get());
      return Vipd.FAILURE;
    }
    VipdMetrics metrics = new VipdMetrics(Vipd.version());
    SystemdNotifier systemd = SystemdNotifier.fromEnvironment();
    VipdDaemon daemon;
    try {
      daemon = VipdDaemon.start(config, metrics);
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      return Vipd.BAD_CONFIG;
    }
    StatusView status = new StatusView(daemon);
    HttpEndpoint http = null;
    ControlServer control = null;
    ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "vipd-watchdog");
      t.setDaemon(true);
      return t;
    });
    CountDownLatch stopped = new CountDownLatch(1);
    try {
      http = new HttpEndpoint(new InetSocketAddress(config.http().host(), config.http().port()),
          metrics.registry(), status::json, () -> true, () -> "ok");
      http.start();
      control = new ControlServer(config.controlSocket(), Map.of(
          "drain", () -> {
            daemon.startDrain();
            return "{\"draining\":true}";
          },
          "undrain", () -> {
            daemon.undrain();
            return "{\"draining\":false}";
          },
          "owned", () -> "{\"owned\":" + daemon.ownedHere() + "}",
          "status", status::json,
          "status-text", () -> Json.write(status.text())),
          ControlServer.DEFAULT_CLIENT_TIMEOUT);
      control.start();
      Signal.handle(new Signal("HUP"), s -> reload(daemon));
      // TERM and INT stop through our own handler, not the JVM's default one, which would run
      // the shutdown hooks and then exit with 143: a clean stop exits 0 for systemd.
      AtomicBoolean stopping = new AtomicBoolean();
      Runnable stop = () -> {
        if (stopping.compareAndSet(false, true)) {
          Thread t = new Thread(() -> {
            systemd.stopping();
            log.info("op=stop msg=\"handing VIPs over\"");
            daemon.stop();
            stopped.countDown();
          }, "vipd-stop");
          t.start();
        }
      };
      Signal.handle(new Signal("TERM"), s -> stop.run());
      Signal.handle(new Signal("INT"), s -> stop.run());
      systemd.ready();
      systemd.startWatchdog(watchdog, () -> true);
      log.info("op=start node={} pools={} http={}:{} msg=\"running\"", config.node().name(),
          config.pools().size(), config.http().host().getHostAddress(), config.http().port());
      stopped.await();
      log.info("op=stop msg=\"stopped\"");
      return Vipd.OK;
    } finally {
      watchdog.shutdownNow();
      if (control != null) {
        control.close();
      }
      if (http != null) {
        http.close();
      }
    }
  }

  private void reload(VipdDaemon daemon) {
    try {
      daemon.reload(configFile);
    } catch (Exception e) {
      // already logged with every problem; the running configuration stays
    }
  }
}
