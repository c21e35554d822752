package dev.vipd.cluster;

import java.io.IOException;

/**
 * {@link ClusterNode#start} found an older member with this node's name: two hosts are
 * configured with one name. The younger one (this node) does not join; the older is undisturbed.
 * The message is one line naming the other member's address.
 */
public final class DuplicateNodeNameException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String nodeName;
  private final String otherAddress;

  public DuplicateNodeNameException(String nodeName, String otherAddress) {
    super("node name \"" + nodeName + "\" is already used by the cluster member at "
        + otherAddress + "; give each host its own vipd.node.name");
    this.nodeName = nodeName;
    this.otherAddress = otherAddress;
  }

  public String nodeName() {
    return nodeName;
  }

  /** The older member's Hazelcast address, {@code host:port}. */
  public String otherAddress() {
    return otherAddress;
  }
}
