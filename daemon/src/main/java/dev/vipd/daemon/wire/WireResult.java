package dev.vipd.daemon.wire;

/** The outcome of one wire check: the {@code result} label of {@code vipd_wire_checks_total}. */
public enum WireResult {
  /** The owner's MAC answered within the round. */
  ANSWERED("answered"),
  /** Nobody answered within the round. */
  SILENT("silent"),
  /** Another MAC than the owner's answered: a conflict seen by a peer. */
  FOREIGN("foreign");

  private final String tag;

  WireResult(String tag) {
    this.tag = tag;
  }

  /** The metric label and log field value. */
  public String tag() {
    return tag;
  }
}
