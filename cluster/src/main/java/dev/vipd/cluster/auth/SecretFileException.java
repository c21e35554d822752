package dev.vipd.cluster.auth;

import java.io.IOException;

/**
 * The cluster secret file cannot be used. The message names the file and the problem, never
 * any key material.
 */
public final class SecretFileException extends IOException {
  private static final long serialVersionUID = 1L;

  public SecretFileException(String message) {
    super(message);
  }

  public SecretFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
