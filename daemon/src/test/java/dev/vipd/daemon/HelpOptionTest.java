package dev.vipd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code vipd <command> --help} prints that command's usage and exits 0, for every subcommand. */
class HelpOptionTest {

  @Test
  void everySubcommandAnswersHelpWithItsOwnUsage() {
    List<String> names = List.copyOf(Vipd.commandLine().getSubcommands().keySet());
    assertThat(names).contains("run", "check-config", "status", "drain", "undrain", "cleanup",
        "version");
    for (String name : names) {
      for (String flag : List.of("--help", "-h")) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Vipd.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(name, flag);
        assertThat(code).as("vipd %s %s exit code; stderr: %s", name, flag, err).isZero();
        assertThat(out.toString()).as("vipd %s %s", name, flag)
            .contains("Usage: vipd " + name);
        assertThat(err.toString()).as("vipd %s %s stderr", name, flag).isEmpty();
      }
    }
  }

  @Test
  void subcommandsPrintTheBuildVersion() {
    StringWriter out = new StringWriter();
    CommandLine cli = Vipd.commandLine();
    cli.setOut(new PrintWriter(out));
    assertThat(cli.execute("drain", "--version")).isZero();
    assertThat(out.toString()).startsWith("vipd " + Vipd.version());
  }
}
