package dev.vipd.cluster.it;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link TestNode}'s {@code STATUS} line: {@code STATUS node=n1 writer=n1 quorum=true
 * fenced=false members=n1/v/self,n2/v,n3/u/s owners=198.51.100.100=n1@3,...}. Member flags: {@code
 * v} verified or {@code u} unverified, {@code s} suspected, {@code d} drained, {@code l} leaving,
 * {@code self}.
 *
 * @param node the reporting node
 * @param writer the writer it sees
 * @param quorum whether it has quorum
 * @param fenced whether it is fenced
 * @param members member name to its flags
 * @param owners VIP to owner node name
 * @param epochs VIP to epoch
 */
public record StatusLine(
    String node, String writer, boolean quorum, boolean fenced,
    Map<String, Set<String>> members, Map<InetAddress, String> owners,
    Map<InetAddress, Long> epochs) {

  public static StatusLine parse(String line) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String part : line.trim().split(" ")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        fields.put(part.substring(0, eq), part.substring(eq + 1));
      }
    }
    if (!line.startsWith("STATUS ") || !fields.containsKey("owners")) {
      throw new IllegalArgumentException("invalid status line: " + line);
    }
    Map<String, Set<String>> members = new LinkedHashMap<>();
    for (String m : split(fields.get("members"))) {
      String[] f = m.split("/");
      members.put(f[0], Set.copyOf(List.of(f).subList(1, f.length)));
    }
    Map<InetAddress, String> owners = new LinkedHashMap<>();
    Map<InetAddress, Long> epochs = new LinkedHashMap<>();
    for (String o : split(fields.get("owners"))) {
      int eq = o.indexOf('=');
      int at = o.lastIndexOf('@');
      InetAddress vip = NodeOptions.address(o.substring(0, eq));
      owners.put(vip, o.substring(eq + 1, at));
      epochs.put(vip, Long.parseLong(o.substring(at + 1)));
    }
    return new StatusLine(fields.get("node"), fields.get("writer"),
        Boolean.parseBoolean(fields.get("quorum")), Boolean.parseBoolean(fields.get("fenced")),
        members, owners, epochs);
  }

  /** Whether {@code name} is listed as a verified, unsuspected member. */
  public boolean seesVerified(String name) {
    Set<String> flags = members.get(name);
    return flags != null && flags.contains("v") && !flags.contains("s");
  }

  /** Whether {@code name} is listed as an unverified member. */
  public boolean seesUnverified(String name) {
    Set<String> flags = members.get(name);
    return flags != null && flags.contains("u");
  }

  private static List<String> split(String csv) {
    return csv == null || csv.isEmpty() ? List.of() : List.of(csv.split(","));
  }
}
