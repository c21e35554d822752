package dev.vipd.daemon.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class ControlProtocolTest {

  @Property
  void errorMessagesSurviveTheWireUnchanged(@ForAll String message) throws IOException {
    String line = ControlProtocol.error(message);

    assertThat(line).endsWith("\n").containsOnlyOnce("\n");
    assertThat(ControlProtocol.parse(line.substring(0, line.length() - 1)))
        .isEqualTo(new ControlReply(false, message));
  }

  @Test
  void resultsAreEmbeddedAsJsonOnOneLine() throws IOException {
    String line = ControlProtocol.ok("{\n  \"vips\": [\"198.51.100.10\"]\r\n}\n");

    assertThat(line).isEqualTo("{\"ok\":true,\"result\":{   \"vips\": [\"198.51.100.10\"]  }}\n");
    assertThat(ControlProtocol.parse(line.strip()))
        .isEqualTo(new ControlReply(true, "{   \"vips\": [\"198.51.100.10\"]  }"));
    assertThat(ControlProtocol.ok("")).isEqualTo("{\"ok\":true,\"result\":null}\n");
  }

  @Test
  void escapesFollowJson() throws IOException {
    assertThat(Json.escape("a\"b\\c\nd\te\u0001"))
        .isEqualTo("a\\\"b\\\\c\\nd\\te\\u0001");
    assertThat(Json.unescape("\\/\\b\\f\\u00e9")).isEqualTo("/\b\f\u00e9");
    assertThat(Json.write(java.util.Map.of("k", "a\"b"))).isEqualTo("{\"k\":\"a\\\"b\"}");
    assertThat(Json.unquote(Json.write("x\ny"))).isEqualTo("x\ny");
  }

  @Test
  void malformedRepliesAreRejected() {
    assertThatThrownBy(() -> ControlProtocol.parse("hello"))
        .isInstanceOf(IOException.class)
        .hasMessage("malformed reply: hello");
    assertThatThrownBy(() -> ControlProtocol.parse("{\"ok\":false,\"error\":\"bad \\u12\"}"))
        .hasMessageStartingWith("malformed reply: short \\u escape");
    assertThatThrownBy(() -> ControlProtocol.parse("{\"ok\":false,\"error\":\"bad \\q\"}"))
        .hasMessage("malformed reply: bad escape \\q");
  }
}
