package dev.vipd.protocol.wire;

import java.util.List;
import java.util.stream.Stream;

/** The hostile set of {@link HostileFramesTest}, for tests that put it on a wire. */
public final class HostileFrames {
  private HostileFrames() {}

  /** Every broken ARP frame of the set, each failing {@link ArpFrames#check}. */
  public static List<byte[]> arp() {
    return broken(HostileFramesTest.arpCases());
  }

  /** Every broken NS/NA frame of the set, each failing {@link NdpFrames#check}. */
  public static List<byte[]> ndp() {
    return broken(HostileFramesTest.ndpCases());
  }

  /** A golden capture by name, e.g. {@code arp-request-arping}. */
  public static byte[] golden(String name) {
    return Golden.bytes(name);
  }

  private static List<byte[]> broken(Stream<HostileFramesTest.Case> cases) {
    return cases.filter(c -> c.expected() != FrameError.NONE).map(c -> c.frame().clone()).toList();
  }
}
