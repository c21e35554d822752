package dev.vipd.daemon.config;

/** How the owner makes the kernel accept traffic for its VIPs ({@code vipd.bind-mode}). */
public enum BindMode {
  /** A local route per VIP; the kernel never answers ARP for it, vipd does. */
  ROUTE_LOCAL,
  /** The VIP is added to the pool's interface (the kernel answers ARP whatever arp_ignore says). */
  INTERFACE,
  /** vipd adds nothing; the operator's setup accepts the traffic. */
  NONE
}
