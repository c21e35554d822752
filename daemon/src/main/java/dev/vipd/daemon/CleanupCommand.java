package dev.vipd.daemon;

import dev.vipd.daemon.binding.Command;
import dev.vipd.daemon.binding.InterfaceBinding;
import dev.vipd.daemon.binding.RouteLocalBinding;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * {@code vipd cleanup}: removes the local routes and addresses vipd added, recognised by their
 * marker (route protocol {@value RouteLocalBinding#VIPD_PROTO}, address metric {@value
 * InterfaceBinding#VIPD_METRIC}), and nothing else. systemd's {@code ExecStopPost} runs it, so a
 * crashed vipd leaves no route behind that would make the kernel accept a VIP it no longer owns.
 */
@CommandLine.Command(name = "cleanup",
    description = "Remove the routes and addresses vipd added (only vipd's own, by marker).")
final class CleanupCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    Command ip = Command.direct();
    new RouteLocalBinding(ip, vip -> null).cleanup();
    new InterfaceBinding(ip, vip -> null).cleanup();
    System.out.println("removed vipd's local routes and addresses");
    return ExitCodes.OK;
  }
}
