package dev.vipd.daemon.control;

import java.util.Objects;

/**
 * One reply of the control socket: either {@code ok} with the handler's JSON {@code result}, or an
 * error with its message.
 *
 * @param ok whether the command succeeded
 * @param body the JSON result when {@code ok}, else the error message
 */
public record ControlReply(boolean ok, String body) {
  public ControlReply {
    Objects.requireNonNull(body, "body");
  }
}
