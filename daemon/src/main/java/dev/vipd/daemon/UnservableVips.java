package dev.vipd.daemon;

import java.net.InetAddress;
import java.util.Set;

/**
 * Where the data plane reports the VIPs this node cannot serve now (a bind, join or filter that
 * failed), so that the cluster places them on another node: {@code ClusterNode.setUnservable} in
 * production. Called on the data plane's thread with the whole current set, only when it changed;
 * must return at once.
 */
@FunctionalInterface
interface UnservableVips {
  void unservable(Set<InetAddress> vips);
}
