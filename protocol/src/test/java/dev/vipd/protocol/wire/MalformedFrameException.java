package dev.vipd.protocol.wire;

/** A frame that breaks a protocol rule; {@link #error()} names the rule, the message the value. */
public final class MalformedFrameException extends Exception {
  private static final long serialVersionUID = 1L;

  private final FrameError error;

  public MalformedFrameException(FrameError error, String message) {
    super(message);
    if (error == null || error == FrameError.NONE) {
      throw new IllegalArgumentException("invalid frame error: " + error + " (expected: not NONE)");
    }
    this.error = error;
  }

  public FrameError error() {
    return error;
  }
}
