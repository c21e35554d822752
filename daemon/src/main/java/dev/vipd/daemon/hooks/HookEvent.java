package dev.vipd.daemon.hooks;

/** What happened to a VIP on this node; the value of {@code VIPD_EVENT} and the metric tag. */
public enum HookEvent {
  /** This node now owns the VIP. */
  ACQUIRE("acquire"),
  /** This node no longer owns the VIP. */
  RELEASE("release");

  private final String value;

  HookEvent(String value) {
    this.value = value;
  }

  /** The lower-case name used in the environment, the config and metrics. */
  public String value() {
    return value;
  }
}
