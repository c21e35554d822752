package dev.vipd.daemon;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code vipd} command.
 *
 * <p>Exit codes ({@link ExitCodes}, also in {@code vipd --help}): 0 success; 1 runtime failure;
 * 2 usage error; 3 invalid configuration; 4 the running daemon cannot be reached over its control
 * socket.
 */
@Command(
    name = "vipd",
    mixinStandardHelpOptions = true,
    versionProvider = Vipd.BuildVersion.class,
    description = "Layer-2 virtual-IP failover daemon.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:runtime failure",
      "2:usage error",
      "3:invalid configuration",
      "4:daemon not reachable over its control socket"
    },
    subcommands = {
      RunCommand.class,
      CheckConfigCommand.class,
      ControlCommands.Status.class,
      ControlCommands.Drain.class,
      ControlCommands.Undrain.class,
      CleanupCommand.class,
      Vipd.VersionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Vipd implements Callable<Integer> {
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with vipd's exit-code mapping. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Vipd());
    cli.setExitCodeExceptionMapper(e -> ExitCodes.FAILURE);
    return cli;
  }

  @Override
  public Integer call() {
    commandLine().usage(System.out);
    return ExitCodes.USAGE;
  }

  /** Prints the version of this build. */
  @Command(name = "version", description = "Print the version of this build.")
  static final class VersionCommand implements Callable<Integer> {
    @Override
    public Integer call() {
      System.out.println("vipd " + version());
      return ExitCodes.OK;
    }
  }

  /** The version from the jar manifest, or {@code dev} when run from classes. */
  public static String version() {
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
