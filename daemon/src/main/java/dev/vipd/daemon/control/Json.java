package dev.vipd.daemon.control;

import java.util.Collection;
import java.util.Map;

/**
 * vipd's one JSON writer, for status output and control-socket replies: objects from ordered
 * maps, arrays from collections, strings escaped per RFC 8259, numbers and booleans as they are;
 * and the reverse for a single string value. Nothing else is ever read, so no library is pulled
 * in for it.
 */
public final class Json {
  private Json() {}

  /** {@code value} as JSON text. */
  public static String write(Object value) {
    StringBuilder out = new StringBuilder(256);
    write(out, value);
    return out.toString();
  }

  private static void write(StringBuilder out, Object value) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      out.append('"');
      escape(out, s);
      out.append('"');
    } else if (value instanceof Number || value instanceof Boolean) {
      out.append(value);
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        write(out, String.valueOf(e.getKey()));
        out.append(':');
        write(out, e.getValue());
      }
      out.append('}');
    } else if (value instanceof Collection<?> list) {
      out.append('[');
      boolean first = true;
      for (Object item : list) {
        if (!first) {
          out.append(',');
        }
        first = false;
        write(out, item);
      }
      out.append(']');
    } else {
      write(out, value.toString());
    }
  }

  /** The body of a JSON string for {@code s}, without the quotes. */
  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length() + 8);
    escape(out, s);
    return out.toString();
  }

  private static void escape(StringBuilder out, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
  }

  /**
   * The text of one JSON string value, quotes included (the reverse of {@link #write} for a
   * string).
   *
   * @throws IllegalArgumentException when {@code json} is not one well-formed JSON string
   */
  public static String unquote(String json) {
    String s = json.strip();
    if (s.length() < 2 || s.charAt(0) != '"' || s.charAt(s.length() - 1) != '"') {
      throw new IllegalArgumentException("not a JSON string: " + abbreviate(json));
    }
    return unescape(s.substring(1, s.length() - 1));
  }

  /**
   * The text of a JSON string body (without its quotes).
   *
   * @throws IllegalArgumentException on a dangling, short or unknown escape
   */
  static String unescape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\') {
        b.append(c);
        continue;
      }
      if (++i == s.length()) {
        throw new IllegalArgumentException("dangling escape in " + abbreviate(s));
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
            throw new IllegalArgumentException("short \\u escape in " + abbreviate(s));
          }
          try {
            b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
          } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("bad \\u escape in " + abbreviate(s), ex);
          }
          i += 4;
        }
        default -> throw new IllegalArgumentException("bad escape \\" + e);
      }
    }
    return b.toString();
  }

  static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}
