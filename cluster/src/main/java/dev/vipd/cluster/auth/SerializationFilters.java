package dev.vipd.cluster.auth;

import java.io.ObjectInputFilter;
import java.util.List;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * A JEP 290 deserialization filter for what cluster peers can make this JVM deserialize.
 *
 * <p>Why: Hazelcast accepts Java-serialized objects from any member (and the open-source jar has
 * no member authentication: anyone who reaches the cluster port and knows the cluster name is a
 * member). Without a filter, a rogue member can send a gadget chain made of classes on vipd's
 * class path and run code in the daemon, which holds {@code CAP_NET_RAW}. The filter lets
 * through only the plain value types vipd exchanges and rejects every other class, and bounds
 * depth, array length, references and bytes so that a small stream cannot exhaust the heap.
 *
 * <p>Allowed: the boxed primitives, {@code String}, {@code Number} and {@code Enum} (superclass
 * descriptors are checked too) and {@code Object} (for the {@code Object[]} that collections
 * read into; {@code Object} itself is not serializable) and the exception base classes Hazelcast
 * sends back for failed invocations from {@code java.lang}; the classes of {@code java.util} itself
 * (collections; not its subpackages); primitive arrays; and the packages passed to {@link
 * #create}, each with its subpackages. Everything else is rejected.
 */
public final class SerializationFilters {
  /** Deepest object graph: vipd's values are flat records inside a collection or two. */
  public static final int MAX_DEPTH = 20;

  /** Longest array: bounds what one length field can make the reader allocate. */
  public static final int MAX_ARRAY_LENGTH = 100_000;

  /** Most object references in one stream. */
  public static final int MAX_REFERENCES = 100_000;

  /** Longest stream in bytes (1 MiB); ownership snapshots are a few KiB. */
  public static final long MAX_BYTES = 1 << 20;

  /** The packages vipd itself needs to exchange: its own records and Hazelcast's. */
  public static final List<String> DEFAULT_PACKAGES = List.of("dev.vipd", "com.hazelcast");

  private static final List<String> JAVA_LANG =
      List.of(
          "java.lang.String", "java.lang.Boolean", "java.lang.Byte", "java.lang.Short",
          "java.lang.Character", "java.lang.Integer", "java.lang.Long", "java.lang.Float",
          "java.lang.Double", "java.lang.Number", "java.lang.Enum",
          // Collections read their elements into an Object[] that the filter checks too.
          "java.lang.Object",
          // Hazelcast returns failed invocations as Java-serialized exceptions (member left,
          // wrong target...): their superclasses and stack traces. Rejecting them leaves the
          // invocation waiting for its 300 s call timeout.
          "java.lang.Throwable", "java.lang.Exception", "java.lang.RuntimeException",
          "java.lang.Error", "java.lang.StackTraceElement", "java.lang.IllegalStateException",
          "java.lang.IllegalArgumentException", "java.lang.UnsupportedOperationException",
          "java.util.concurrent.CancellationException", "java.util.concurrent.TimeoutException",
          "java.util.concurrent.ExecutionException");

  private static final Pattern PACKAGE = Pattern.compile("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)*");

  private SerializationFilters() {}

  /**
   * A filter allowing the types above plus {@code packages} (and their subpackages).
   *
   * @param packages package names such as {@code dev.vipd}
   * @throws IllegalArgumentException if a name is not a Java package name
   */
  public static ObjectInputFilter create(List<String> packages) {
    return ObjectInputFilter.Config.createFilter(pattern(packages));
  }

  /** The JEP 290 pattern {@link #create} compiles, for logs and for {@code jdk.serialFilter}. */
  public static String pattern(List<String> packages) {
    StringJoiner pattern = new StringJoiner(";");
    pattern.add("maxdepth=" + MAX_DEPTH);
    pattern.add("maxarray=" + MAX_ARRAY_LENGTH);
    pattern.add("maxrefs=" + MAX_REFERENCES);
    pattern.add("maxbytes=" + MAX_BYTES);
    JAVA_LANG.forEach(pattern::add);
    pattern.add("java.util.*");
    for (String name : packages) {
      if (!PACKAGE.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "invalid package name: '" + name + "' (expected: e.g. dev.vipd)");
      }
      pattern.add(name + ".**");
    }
    pattern.add("!*");
    return pattern.toString();
  }

  /**
   * Installs {@code filter} as the JVM-wide filter unless one is already set (for example by the
   * operator through {@code -Djdk.serialFilter=...}, which then stays in force).
   *
   * <p>JVM-wide because Hazelcast creates its {@code ObjectInputStream}s internally; a filter on
   * vipd's own streams would not cover them. The JDK allows setting it once per JVM.
   *
   * @return true if this call installed {@code filter}
   */
  public static boolean installJvmWideIfAbsent(ObjectInputFilter filter) {
    synchronized (SerializationFilters.class) {
      if (ObjectInputFilter.Config.getSerialFilter() != null) {
        return false;
      }
      try {
        ObjectInputFilter.Config.setSerialFilter(filter);
        return true;
      } catch (IllegalStateException e) {
        // Set concurrently by code outside this class: keep theirs.
        return false;
      }
    }
  }
}
