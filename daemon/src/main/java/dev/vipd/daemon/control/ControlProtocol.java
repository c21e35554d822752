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
    return ERROR_PREFIX + escape(message) + "\"}\n";
  }

  /** Parses a reply line (without its newline). */
  static ControlReply parse(String line) throws IOException {
    if (line.startsWith(OK_PREFIX) && line.endsWith("}")) {
      return new ControlReply(true, line.substring(OK_PREFIX.length(), line.length() - 1));
    }
    if (line.startsWith(ERROR_PREFIX) && line.endsWith("\"}")) {
      return new ControlReply(
          false, unescape(line.substring(ERROR_PREFIX.length(), line.length() - 2)));
    }
    throw new IOException("malformed reply: " + abbreviate(line));
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  static String unescape(String s) throws IOException {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\') {
        b.append(c);
        continue;
      }
      if (++i == s.length()) {
        throw new IOException("malformed reply: dangling escape in " + abbreviate(s));
      }
      char e = s.charAt(i);
      switch (e) {
        case '"', '\\', '/' -> b.append(e);
        case 'n' -> b.append('\n');
        case 'r' -> b.append('\r');
        case 't' -> b.append('\t');
        case 'b' -> b.append('\b');
        case 'f' -> b.append('\f');
        case 'u' -> {
          if (i + 4 >= s.length()) {
            throw new IOException("malformed reply: short \\u escape in " + abbreviate(s));
          }
          try {
            b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
          } catch (NumberFormatException ex) {
            throw new IOException("malformed reply: bad \\u escape in " + abbreviate(s), ex);
          }
          i += 4;
        }
        default -> throw new IOException("malformed reply: bad escape \\" + e);
      }
    }
    return b.toString();
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}
