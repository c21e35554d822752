package dev.vipd.testlab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Secret files for lab hosts. */
public final class Secrets {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {}

  /**
   * Writes 32 random bytes as one line of hex to {@code file} (replacing it), created with mode
   * 0600 so that it is never readable by others, even for a moment; returns {@code file}.
   */
  public static Path writeHexKey(Path file) throws IOException {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, HexFormat.of().formatHex(key) + "\n");
    return file;
  }
}
