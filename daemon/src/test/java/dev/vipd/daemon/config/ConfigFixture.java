package dev.vipd.daemon.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Copies a sample from {@code src/test/resources/config/} into a temp dir next to a secret file
 * of mode 0600, replacing {@code @DIR@} with that dir (lines stay where they are).
 */
final class ConfigFixture {

  private final Path dir;

  ConfigFixture(Path dir) {
    this.dir = dir;
    try {
      Path secret = dir.resolve("cluster.key");
      Files.writeString(secret, "0123456789abcdef0123456789abcdef\n");
      Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path dir() {
    return dir;
  }

  Path secret() {
    return dir.resolve("cluster.key");
  }

  /** Writes the sample {@code resource} (such as {@code bad/typo-key.conf}) into the temp dir. */
  Path copy(String resource) {
    try (InputStream in = ConfigFixture.class.getResourceAsStream("/config/" + resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource config/" + resource);
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return write(resource.replace('/', '-'), text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code text} as {@code name} in the temp dir, with {@code @DIR@} replaced. */
  Path write(String name, String text) {
    try {
      Path file = dir.resolve(name);
      Files.writeString(file, text.replace("@DIR@", dir.toString()));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  VipdConfig load(String resource) throws ConfigException {
    return ConfigLoader.load(copy(resource), () -> "testhost");
  }
}
