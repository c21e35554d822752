package dev.vipd.daemon.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** A minimal HTTP/1.1 client over one socket, so tests control bytes and connection reuse. */
final class RawHttp implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;

  RawHttp(InetSocketAddress server) throws IOException {
    socket = new Socket();
    socket.connect(server, 2000);
    socket.setSoTimeout(5000);
    in = socket.getInputStream();
  }

  /** A response: status code, headers (lower-case names) and body. */
  record Response(int code, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  void send(String raw) throws IOException {
    socket.getOutputStream().write(raw.getBytes(StandardCharsets.UTF_8));
    socket.getOutputStream().flush();
  }

  Response request(String method, String path, String... headerLines) throws IOException {
    StringBuilder b = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: test\r\n");
    for (String h : headerLines) {
      b.append(h).append("\r\n");
    }
    send(b.append("\r\n").toString());
    return read(method.equals("HEAD"));
  }

  Response read(boolean head) throws IOException {
    String status = line();
    Map<String, String> headers = new TreeMap<>();
    for (String l = line(); !l.isEmpty(); l = line()) {
      int colon = l.indexOf(':');
      headers.put(
          l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
    }
    int length = head ? 0 : Integer.parseInt(headers.getOrDefault("content-length", "0"));
    byte[] body = in.readNBytes(length);
    return new Response(
        Integer.parseInt(status.split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
  }

  /** True once the server closed the connection (read gives end of stream). */
  boolean closedByServer() throws IOException {
    return in.read() == -1;
  }

  private String line() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c == -1) {
        throw new IOException("connection closed mid-response");
      }
      if (c != '\r') {
        out.write(c);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
