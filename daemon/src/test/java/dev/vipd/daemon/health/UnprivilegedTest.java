package dev.vipd.daemon.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnprivilegedTest {
  @TempDir Path dir;

  @Test
  void wrapsArgvWithSetprivDroppingEveryCapabilitySet() {
    List<String> wrapped =
        Unprivileged.using(Path.of("/usr/bin/setpriv")).wrap(List.of("/etc/vipd/check", "-q"));
    assertThat(wrapped)
        .containsExactly(
            "/usr/bin/setpriv",
            "--inh-caps=-all",
            "--ambient-caps=-all",
            "--bounding-set=-all",
            "--no-new-privs",
            "--",
            "/etc/vipd/check",
            "-q");
  }

  @Test
  void passThroughLeavesArgvAlone() {
    Unprivileged none = Unprivileged.passThrough();
    assertThat(none.dropsCapabilities()).isFalse();
    assertThat(none.wrap(List.of("true"))).containsExactly("true");
    assertThatThrownBy(() -> none.wrap(List.of()))
        .hasMessage("invalid argv: [] (expected: a program and its arguments)");
  }

  @Test
  void findsSetprivOnThePathBeforeTheDefaults() throws Exception {
    Path fake = dir.resolve("setpriv");
    Files.writeString(fake, "#!/bin/sh\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThat(Unprivileged.find(dir + ":/nonexistent")).contains(fake);
  }

  @Test
  void ignoresAFileThatIsNotExecutable() throws Exception {
    Path notExecutable = dir.resolve("setpriv");
    Files.writeString(notExecutable, "");
    Files.setPosixFilePermissions(notExecutable, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(Unprivileged.find(dir.toString()))
        .isNotEqualTo(java.util.Optional.of(notExecutable));
  }
}
