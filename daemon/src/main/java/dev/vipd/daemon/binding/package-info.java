/**
 * Local binding: making this host accept traffic for the VIPs it owns, and removing exactly what
 * vipd added.
 *
 * <p>Three modes ({@code bind-mode} in the configuration): {@link
 * dev.vipd.daemon.binding.RouteLocalBinding} (default, a marked {@code local} route per VIP, the
 * kernel stays silent on ARP), {@link dev.vipd.daemon.binding.InterfaceBinding} (a marked address
 * on the pool interface) and {@link dev.vipd.daemon.binding.NoBinding}. {@link
 * dev.vipd.daemon.binding.DelayedUnbinder} keeps a released VIP bound for a grace period.
 *
 * <p><b>Why iproute2 and not hand-written rtnetlink.</b> Every change goes through the {@code ip}
 * and {@code sysctl} commands run by {@link dev.vipd.daemon.binding.Command}:
 *
 * <ul>
 *   <li>operators debug with the same commands: what vipd runs is logged and can be typed by hand,
 *       and {@code ip route show table local proto 86} shows exactly what vipd made;
 *   <li>iproute2 is the maintained netlink client, kept in step with the kernel by the kernel's
 *       own networking maintainers; its error messages (extended ACKs included) come for free;
 *   <li>there is no hand-written netlink message builder or parser in vipd to get wrong
 *       (alignment, attribute nesting, multi-part dumps, sequence numbers), and none that can
 *       crash the JVM through native memory mistakes.
 * </ul>
 *
 * <p>The cost is a child process per change (a few milliseconds), paid only when ownership
 * changes, never per packet. Every command has a timeout and a failure is a {@link
 * dev.vipd.daemon.binding.CommandException} with what vipd was doing, the exit code and the
 * command's error output. The runner takes an argument prefix ({@code ip netns exec <ns>} in the
 * integration tests) so the same code runs inside a lab namespace.
 */
package dev.vipd.daemon.binding;
