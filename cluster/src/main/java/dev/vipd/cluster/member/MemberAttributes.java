package dev.vipd.cluster.member;

import dev.vipd.cluster.auth.ClusterSecret;
import dev.vipd.cluster.auth.NodeIdentity;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Hazelcast member attributes through which nodes know each other: name, address, start
 * time, labels and the identity token signed with the cluster secret. Attributes are fixed when
 * the member starts and visible to every member.
 */
public final class MemberAttributes {
  public static final String NAME = "vipd.name";
  public static final String ADDRESS = "vipd.address";
  public static final String START = "vipd.start";
  public static final String LABELS = "vipd.labels";
  public static final String TOKEN = "vipd.token";

  private MemberAttributes() {}

  /** The attributes of this node. */
  public static Map<String, String> of(
      NodeIdentity identity, Map<String, String> labels, ClusterSecret secret) {
    return Map.of(
        NAME, identity.name(),
        ADDRESS, identity.address(),
        START, Long.toString(identity.startTimeMillis()),
        LABELS, encodeLabels(labels),
        TOKEN, identity.sign(secret));
  }

  /** Labels as {@code k=v&k2=v2}, URL-encoded, sorted. */
  public static String encodeLabels(Map<String, String> labels) {
    StringBuilder text = new StringBuilder();
    for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
      if (text.length() > 0) {
        text.append('&');
      }
      text.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
    }
    return text.toString();
  }

  /** The inverse of {@link #encodeLabels}; malformed pairs are skipped. */
  public static Map<String, String> decodeLabels(String text) {
    Map<String, String> labels = new TreeMap<>();
    if (text == null || text.isEmpty()) {
      return labels;
    }
    for (String pair : text.split("&")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      try {
        labels.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException malformed) {
        // skipped: labels of an unverified member are never used anyway
      }
    }
    return labels;
  }
}
