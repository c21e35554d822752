package dev.vipd.testlab;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs external commands for tests: bounded by a timeout, stdout and stderr captured together,
 * and a failure that shows the command and its output. A command that times out is killed by its
 * own process handle, never by name.
 */
public final class Sh {
  /** Enough for any single {@code ip} command; long-running tools pass their own timeout. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

  /** What a command printed and how it ended. */
  public record Result(List<String> command, int exitCode, String output) {
    public boolean succeeded() {
      return exitCode == 0;
    }
  }

  private Sh() {}

  /** Runs {@code command} and returns its output; fails on a non-zero exit or a timeout. */
  public static String run(String... command) {
    return run(DEFAULT_TIMEOUT, command);
  }

  /** Runs {@code command} and returns its output; fails on a non-zero exit or a timeout. */
  public static String run(Duration timeout, String... command) {
    Result result = exec(timeout, command);
    if (!result.succeeded()) {
      throw new IllegalStateException("command failed with exit code " + result.exitCode() + ": "
          + String.join(" ", command) + "\n" + result.output());
    }
    return result.output();
  }

  /** Runs {@code command} and returns how it ended, whatever the exit code; fails on timeout. */
  public static Result exec(Duration timeout, String... command) {
    List<String> argv = List.of(command);
    File out = null;
    try {
      out = File.createTempFile("vipd-sh", ".out");
      Process p = new ProcessBuilder(argv)
          .redirectErrorStream(true)
          .redirectOutput(out)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
        throw new IllegalStateException("command timed out after " + timeout + ": "
            + String.join(" ", command) + "\n" + read(out));
      }
      return new Result(argv, p.exitValue(), read(out));
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
    } finally {
      if (out != null) {
        out.delete();
      }
    }
  }

  /** True if an executable of that name is on the PATH (or {@code /sbin}, {@code /usr/sbin}). */
  public static boolean hasCommand(String name) {
    String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator
        + "/sbin" + File.pathSeparator + "/usr/sbin";
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(new File(dir, name).toPath())) {
        return true;
      }
    }
    return false;
  }

  private static String read(File file) throws IOException {
    return Files.readString(file.toPath(), StandardCharsets.UTF_8);
  }
}
