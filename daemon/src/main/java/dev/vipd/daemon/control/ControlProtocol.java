package dev.vipd.daemon.control;

import java.io.IOException;

/**
 * The line format of the control socket, shared by server and client.
 *
 * <p>A request is one command word and {@code \n}. A reply is one line of JSON: {@code
 * {"ok":true,"result":<json>}} or {@code {"ok":false,"error":"<message>"}}. One request per
 * connection; the server closes after replying.
 */
final class ControlProtocol {
  /**
   * Longest request line accepted, newline included. Commands are single short words; 256 bytes
   * leaves room for arguments later while keeping a misbehaving client from growing buffers.
   */
  static final int MAX_REQUEST = 256;

  private static final String OK_PREFIX = "{\"ok\":true,\"result\":";
  private static final String ERROR_PREFIX = "{\"ok\":false,\"error\":\"";

  private ControlProtocol() {}

  /** The reply line for a result; line breaks (only legal as whitespace in JSON) become spaces. */
  static String ok(String json) {
    String oneLine = json.strip().replace('\r', ' ').replace('\n', ' ');
    return OK_PREFIX + (oneLine.isEmpty() ? "null" : oneLine) + "}\n";
  }

  static String error(String message) {
    return ERROR_PREFIX + Json.escape(message) + "\"}\n";
  }

  /** Parses a reply line (without its newline). */
  static ControlReply parse(String line) throws IOException {
    if (line.startsWith(OK_PREFIX) && line.endsWith("}")) {
      return new ControlReply(true, line.substring(OK_PREFIX.length(), line.length() - 1));
    }
    if (line.startsWith(ERROR_PREFIX) && line.endsWith("\"}")) {
      try {
        return new ControlReply(
            false, Json.unescape(line.substring(ERROR_PREFIX.length(), line.length() - 2)));
      } catch (IllegalArgumentException e) {
        throw new IOException("malformed reply: " + e.getMessage(), e);
      }
    }
    throw new IOException("malformed reply: " + Json.abbreviate(line));
  }
}
