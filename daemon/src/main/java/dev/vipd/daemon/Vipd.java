package dev.vipd.daemon;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code vipd} command. */
@Command(
    name = "vipd",
    mixinStandardHelpOptions = true,
    versionProvider = Vipd.BuildVersion.class,
    description = "Layer-2 virtual-IP failover daemon.",
    subcommands = {Vipd.VersionCommand.class})
public final class Vipd implements Callable<Integer> {

  public static void main(String[] args) {
    System.exit(new CommandLine(new Vipd()).execute(args));
  }

  @Override
  public Integer call() {
    new CommandLine(this).usage(System.out);
    return 0;
  }

  /** Prints the version of this build. */
  @Command(name = "version", description = "Print the version of this build.")
  static final class VersionCommand implements Callable<Integer> {
    @Override
    public Integer call() {
      System.out.println("vipd " + version());
      return 0;
    }
  }

  static String version() {
    String v = Vipd.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  static final class BuildVersion implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"vipd " + version()};
    }
  }
}
