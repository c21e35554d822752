package dev.vipd.daemon.binding;

import java.net.InetAddress;
import java.util.Set;

/**
 * Bind mode {@code none}: the operator (or another tool) makes the host accept VIP traffic, vipd
 * only answers ARP/NDP. Nothing is changed, so nothing needs cleaning up.
 */
public final class NoBinding implements LocalBinding {

  @Override
  public void bind(InetAddress vip) {}

  @Override
  public void unbind(InetAddress vip) {}

  @Override
  public void cleanup() {}

  /** Always empty: this mode never binds anything. */
  @Override
  public Set<InetAddress> bound() {
    return Set.of();
  }

  @Override
  public String toString() {
    return "NoBinding";
  }
}
