package dev.vipd.protocol.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Loads hex fixtures from {@code golden/}: '#' starts a comment to the end of the line, the rest
 * is hex digits and white space.
 */
final class Golden {
  private Golden() {}

  static byte[] bytes(String name) {
    String path = "/golden/" + name + ".hex";
    try (InputStream in = Golden.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing fixture " + path);
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new UncheckedIOException("reading fixture " + path, e);
    }
  }

  static ByteBuf frame(String name) {
    return Unpooled.wrappedBuffer(bytes(name));
  }

  static byte[] parse(String text) {
    StringBuilder hex = new StringBuilder();
    for (String line : text.split("\n")) {
      int comment = line.indexOf('#');
      hex.append((comment < 0 ? line : line.substring(0, comment)).replaceAll("\\s", ""));
    }
    return HexFormat.of().parseHex(hex);
  }

  static byte[] toBytes(ByteBuf buf) {
    return ByteBufUtil.getBytes(buf);
  }
}
