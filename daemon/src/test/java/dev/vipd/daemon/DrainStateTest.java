package dev.vipd.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DrainStateTest {
  @TempDir Path dir;

  @Test
  void markAndClearSurviveInTheFileOnly() throws IOException {
    DrainState state = new DrainState(dir.resolve("state/drained"));
    assertThat(state.isDrained()).isFalse();

    state.markDrained();
    assertThat(new DrainState(dir.resolve("state/drained")).isDrained()).isTrue();
    assertThat(Files.readString(dir.resolve("state/drained"))).isEqualTo("drained\n");
    try (var files = Files.list(dir.resolve("state"))) {
      assertThat(files).containsExactly(dir.resolve("state/drained")); // no temp file left
    }

    state.clear();
    assertThat(state.isDrained()).isFalse();
  }

  @Test
  void aWriteThatFailsKeepsTheOldStateAndSaysWhy() throws IOException {
    Path file = dir.resolve("drained");
    DrainState state = new DrainState(file);
    // The temporary file's name is taken by a directory: the write fails before the rename.
    Files.createDirectory(dir.resolve(".drained.tmp"));

    assertThatThrownBy(state::markDrained)
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("writing the drain state file " + file + ": ");
    assertThat(state.isDrained()).isFalse();
  }

  @Test
  void aReadOnlyDirectoryIsReportedAndNothingIsWritten() {
    // /proc refuses new files even to root: a read-only directory on every Linux host.
    DrainState state = new DrainState(Path.of("/proc/vipd-drain-state-test"));

    assertThatThrownBy(state::markDrained)
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("writing the drain state file /proc/vipd-drain-state-test: ");
    assertThat(state.isDrained()).isFalse();
  }
}
