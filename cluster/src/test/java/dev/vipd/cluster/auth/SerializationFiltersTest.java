package dev.vipd.cluster.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.core.HazelcastException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.net.ConnectException;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import javax.management.BadAttributeValueExpException;
import org.junit.jupiter.api.Test;

class SerializationFiltersTest {
  /** A permitted vipd type. */
  record Owner(String vip, String node, long epoch) implements Serializable {}

  /** A class outside the permitted packages. */
  static final ObjectInputFilter FILTER = SerializationFilters.create(List.of("dev.vipd.cluster"));

  private static byte[] serialize(Object value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    return bytes.toByteArray();
  }

  private static Object deserialize(byte[] bytes, ObjectInputFilter filter)
      throws IOException, ClassNotFoundException {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      in.setObjectInputFilter(filter);
      return in.readObject();
    }
  }

  @Test
  void permittedGraphRoundTrips() throws Exception {
    Map<String, Object> value = new HashMap<>();
    value.put("owners", new ArrayList<>(List.of(new Owner("198.51.100.100", "h1", 3))));
    value.put("count", 1);
    value.put("weights", new long[] {1, 2});
    value.put("immutable", List.of("a", "b"));

    Object back = deserialize(serialize(value), FILTER);

    assertThat(back).usingRecursiveComparison().isEqualTo(value);
  }

  /** An exception of an allowed package whose field is of a rejected type. */
  static final class CarryingException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final URL payload;

    CarryingException(URL payload) {
      super("carries " + payload);
      this.payload = payload;
    }
  }

  @Test
  void hazelcastErrorRepliesWithJdkCausesRoundTrip() throws Exception {
    // What a member answers for a failed invocation: a Hazelcast exception, often wrapping a JDK
    // one, with stack traces and suppressed exceptions.
    ObjectInputFilter filter = SerializationFilters.create(SerializationFilters.DEFAULT_PACKAGES);
    ConnectException connect = new ConnectException("Connection refused to 198.51.100.11:5701");
    HazelcastException error = new HazelcastException("invocation failed",
        new CompletionException(new IOException("closed", connect)));
    error.addSuppressed(new TargetNotMemberException("198.51.100.12:5701 is not a member"));

    Object back = deserialize(serialize(error), filter);

    assertThat(back).isInstanceOf(HazelcastException.class);
    assertThat((Throwable) back).hasMessage("invocation failed")
        .hasRootCauseInstanceOf(ConnectException.class)
        .hasRootCauseMessage("Connection refused to 198.51.100.11:5701");
    Throwable t = (Throwable) back;
    assertThat(t.getStackTrace()).isEqualTo(error.getStackTrace());
    assertThat(t.getSuppressed()).singleElement().isInstanceOf(TargetNotMemberException.class);
  }

  @Test
  void throwablesFromOtherPackagesAreRejected() throws Exception {
    // A classic gadget entry point: its readObject calls toString() on a field.
    byte[] bytes = serialize(new BadAttributeValueExpException("x"));

    assertThatThrownBy(() -> deserialize(bytes, FILTER))
        .isInstanceOf(InvalidClassException.class)
        .hasMessageContaining("REJECTED");
  }

  @Test
  void allowedExceptionsCannotCarryRejectedTypes() throws Exception {
    byte[] bytes = serialize(new CarryingException(new URL("http://198.51.100.1/")));

    assertThatThrownBy(() -> deserialize(bytes, FILTER))
        .isInstanceOf(InvalidClassException.class)
        .hasMessageContaining("REJECTED");
    assertThat(deserialize(serialize(new IllegalStateException("plain")), FILTER))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void classFromJavaNetIsRejected() throws Exception {
    byte[] bytes = serialize(new URL("http://198.51.100.1/"));

    assertThatThrownBy(() -> deserialize(bytes, FILTER))
        .isInstanceOf(InvalidClassException.class)
        .hasMessageContaining("REJECTED");
  }

  @Test
  void classFromAnotherPackageIsRejected() throws Exception {
    byte[] bytes = serialize(new ArrayList<>(List.of(Duration.ofSeconds(1))));

    assertThatThrownBy(() -> deserialize(bytes, FILTER)).isInstanceOf(InvalidClassException.class);
  }

  @Test
  void hugeArraysAreRejected() throws Exception {
    byte[] bytes = serialize(new byte[SerializationFilters.MAX_ARRAY_LENGTH + 1]);

    assertThatThrownBy(() -> deserialize(bytes, FILTER)).isInstanceOf(InvalidClassException.class);
    assertThat(deserialize(serialize(new byte[1000]), FILTER)).isInstanceOf(byte[].class);
  }

  @Test
  void deepGraphsAreRejected() throws Exception {
    List<Object> deep = new ArrayList<>();
    List<Object> current = deep;
    for (int i = 0; i < SerializationFilters.MAX_DEPTH + 5; i++) {
      List<Object> next = new ArrayList<>();
      current.add(next);
      current = next;
    }
    byte[] bytes = serialize(deep);

    assertThatThrownBy(() -> deserialize(bytes, FILTER)).isInstanceOf(InvalidClassException.class);
  }

  @Test
  void invalidPackageNamesAreRefused() {
    assertThatThrownBy(() -> SerializationFilters.create(List.of("dev.vipd;!*")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid package name: 'dev.vipd;!*' (expected: e.g. dev.vipd)");
  }

  @Test
  void installsJvmWideOnlyOnce() throws Exception {
    ObjectInputFilter before = ObjectInputFilter.Config.getSerialFilter();
    boolean installed = SerializationFilters.installJvmWideIfAbsent(FILTER);

    assertThat(installed).isEqualTo(before == null);
    assertThat(SerializationFilters.installJvmWideIfAbsent(
        SerializationFilters.create(List.of()))).isFalse();
    if (installed) {
      assertThat(ObjectInputFilter.Config.getSerialFilter()).isSameAs(FILTER);
      // The JVM-wide filter applies to streams that set none of their own.
      byte[] bytes = serialize(new URL("http://198.51.100.1/"));
      try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
        assertThatThrownBy(in::readObject).isInstanceOf(InvalidClassException.class);
      }
    }
  }
}
