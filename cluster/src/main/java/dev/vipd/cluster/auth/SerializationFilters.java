package dev.vipd.cluster.auth;

import java.io.ObjectInputFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.StringJoiner;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * read into; {@code Object} itself is not serializable); the classes of {@code java.util} itself
 * (collections; not its subpackages); primitive arrays; and the packages passed to {@link
 * #create}, each with its subpackages. Everything else is rejected, with one rule on top:
 *
 * <p><b>Exceptions.</b> Hazelcast answers a failed invocation (member left, wrong target, not
 * yet started...) with the exception Java-serialized, causes and stack traces included; the
 * cause is often a JDK type ({@code java.io.IOException}, {@code java.net.ConnectException},
 * {@code java.util.concurrent.CompletionException}...). A rejected reply never completes the
 * invocation, so the caller hangs (a member that starts together with others never returns
 * from start). Listing exception types one by one cannot keep up with what Hazelcast may wrap,
 * so every class assignable to {@link Throwable} is allowed when it comes from a {@code java.}
 * package or from one of the allowed packages, together with {@link StackTraceElement} (the
 * stack trace). Throwable's other fields are a {@code String} and a {@code java.util} list,
 * already allowed. Throwables from elsewhere stay rejected: {@code
 * javax.management.BadAttributeValueExpException}, for instance, calls {@code toString()} on a
 * field while being read and is a classic gadget entry point. An exception's own fields still
 * pass this filter class by class, so an allowed exception cannot carry a gadget in.
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
          "java.lang.Object");

  private static final Logger log = LoggerFactory.getLogger(SerializationFilters.class);

  /** Classes already logged as rejected; bounded so that a peer cannot grow it forever. */
  private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();

  private static final int MAX_REPORTED = 100;

  private static final Pattern PACKAGE = Pattern.compile("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)*");

  private SerializationFilters() {}

  /**
   * A filter allowing the types above plus {@code packages} (and their subpackages).
   *
   * @param packages package names such as {@code dev.vipd}
   * @throws IllegalArgumentException if a name is not a Java package name
   */
  public static ObjectInputFilter create(List<String> packages) {
    ObjectInputFilter pattern = ObjectInputFilter.Config.createFilter(pattern(packages));
    List<String> prefixes = new ArrayList<>(List.of("java."));
    packages.forEach(p -> prefixes.add(p + "."));
    return new ExceptionAware(pattern, List.copyOf(prefixes));
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
   * The pattern filter (limits first), then the exception rule of the class comment for classes
   * the pattern leaves undecided or rejects; rejections are logged once per class.
   */
  private record ExceptionAware(ObjectInputFilter pattern, List<String> throwablePrefixes)
      implements ObjectInputFilter {
    @Override
    public Status checkInput(FilterInfo info) {
      Status status = pattern.checkInput(info);
      Class<?> type = info.serialClass();
      if (status == Status.ALLOWED || type == null || exceedsLimits(info)) {
        return status;
      }
      while (type.isArray()) {
        type = type.getComponentType();
      }
      if (type == StackTraceElement.class
          || (Throwable.class.isAssignableFrom(type) && fromAllowedPackage(type))) {
        return Status.ALLOWED;
      }
      if (status == Status.REJECTED && REPORTED.size() < MAX_REPORTED
          && REPORTED.add(type.getName())) {
        log.warn("op=deserialization-rejected class={} hint=\"a cluster peer sent a type"
            + " vipd does not accept\"", type.getName());
      }
      return status;
    }

    private boolean fromAllowedPackage(Class<?> type) {
      String name = type.getName();
      return throwablePrefixes.stream().anyMatch(name::startsWith);
    }

    private static boolean exceedsLimits(FilterInfo info) {
      return info.depth() > MAX_DEPTH || info.arrayLength() > MAX_ARRAY_LENGTH
          || info.references() > MAX_REFERENCES || info.streamBytes() > MAX_BYTES;
    }
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
