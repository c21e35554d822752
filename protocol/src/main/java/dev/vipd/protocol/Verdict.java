package dev.vipd.protocol;

import java.util.Locale;

/**
 * What the responder did with one received ARP or NDP frame. The same value is the {@code result}
 * tag of {@code vipd_arp_requests_total} / {@code vipd_ndp_solicitations_total} and the expected
 * value in tests.
 */
public enum Verdict {
  /** A request or solicitation for an owned address, answered with this interface's MAC. */
  ANSWERED,
  /** A request or solicitation for an address this node does not own: ignored. */
  NOT_OWNED,
  /** A reply, advertisement or announcement that claims nothing of ours: ignored. */
  NOT_A_REQUEST,
  /** Another MAC claims an owned address: counted and reported, not answered. */
  CONFLICT,
  /** For an owned address, but this node may not answer now (self-fenced after a pause). */
  SILENCED,
  /** Not a well-formed frame: dropped and counted with its reason. */
  MALFORMED,
  /** The answer could not be sent (the socket counts the reason). */
  SEND_FAILED;

  private final String tag = name().toLowerCase(Locale.ROOT).replace('_', '-');

  /** The metric tag value, e.g. {@code not-owned}. */
  public String tag() {
    return tag;
  }
}
