package dev.vipd.daemon.binding;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A {@link CommandRunner} for unit tests: records every argument vector and answers through a
 * function (return the output, or throw a {@link CommandException} to simulate a failure).
 */
public final class RecordingRunner implements CommandRunner {

  private final List<List<String>> commands = new ArrayList<>();
  private Function<List<String>, String> answers = argv -> "";
  private Function<String, String> inputAnswers = input -> "";

  /** Answers future commands with {@code answers}. */
  public synchronized RecordingRunner answering(Function<List<String>, String> answers) {
    this.answers = answers;
    return this;
  }

  @Override
  public synchronized String run(String what, List<String> argv) {
    commands.add(List.copyOf(argv));
    return answers.apply(argv);
  }

  /** Records the command with its standard input as a last element {@code <<input}. */
  /** Answers future commands that have standard input ({@code ip -batch -}) by that input. */
  public synchronized RecordingRunner answeringInput(Function<String, String> inputAnswers) {
    this.inputAnswers = inputAnswers;
    return this;
  }

  @Override
  public synchronized String run(String what, List<String> argv, String input) {
    List<String> recorded = new ArrayList<>(argv);
    recorded.add("<<" + input);
    commands.add(List.copyOf(recorded));
    inputAnswers.apply(input);
    return answers.apply(argv);
  }

  /**
   * Fails every batch line containing {@code needle} the way {@code ip -force -batch -} does: the
   * kernel's message and {@code Command failed -:N} per refused line, exit 1 at the end.
   */
  public static Function<String, String> failingLines(String needle, String message) {
    return input -> {
      String[] lines = input.split("\n");
      StringBuilder stderr = new StringBuilder();
      for (int i = 0; i < lines.length; i++) {
        if (lines[i].contains(needle)) {
          stderr.append(message).append("\nCommand failed -:").append(i + 1).append('\n');
        }
      }
      if (stderr.length() > 0) {
        throw CommandException.failed("batch", List.of("ip", "-force", "-batch", "-"), 1,
            stderr.toString());
      }
      return "";
    };
  }

  @Override
  public Process start(String what, List<String> argv) {
    throw new UnsupportedOperationException("RecordingRunner starts no processes: " + argv);
  }

  /** Every command run so far, in order. */
  public synchronized List<List<String>> commands() {
    return List.copyOf(commands);
  }

  /** Commands run so far, each joined with spaces. */
  public synchronized List<String> lines() {
    return commands.stream().map(argv -> String.join(" ", argv)).toList();
  }

  /** A failure as iproute2 reports it: exit 2 and {@code stderr}. */
  public static CommandException failure(List<String> argv, String stderr) {
    return CommandException.failed("test", argv, 2, stderr);
  }
}
