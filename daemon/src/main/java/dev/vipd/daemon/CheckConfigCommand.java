package dev.vipd.daemon;

import dev.vipd.daemon.config.ConfigException;
import dev.vipd.daemon.config.ConfigLoader;
import dev.vipd.daemon.config.VipdConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code vipd check-config FILE}: validates a configuration file and changes nothing. */
@Command(
    name = "check-config",
    description = "Validate a configuration file; report every problem with file, line and key.")
final class CheckConfigCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FILE", description = "The configuration file.")
  Path file;

  @Override
  public Integer call() {
    try {
      VipdConfig config = ConfigLoader.load(file);
      int vips = config.pools().stream().mapToInt(p -> p.addresses().size()).sum();
      System.out.printf("%s: ok (node %s, %d pools, %d VIPs)%n", file, config.node().name(),
          config.pools().size(), vips);
      return ExitCodes.OK;
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      return ExitCodes.BAD_CONFIG;
    }
  }
}
