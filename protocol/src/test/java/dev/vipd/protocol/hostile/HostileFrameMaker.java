package dev.vipd.protocol.hostile;

import dev.vipd.protocol.wire.ArpFrames;
import dev.vipd.protocol.wire.InetAddresses;
import dev.vipd.protocol.wire.NdpFrames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Makes hostile ARP and IPv6 frames from a fixed seed: random bytes, random bytes that carry an
 * owned address where the kernel filter looks, well-formed requests for owned and not owned
 * addresses, the same with 1-3 bytes changed (half of the time sparing the fields the filter
 * reads, so that they reach the responder), cut short, padded past the Ethernet minimum, and
 * oversized up to a jumbo frame. Counts what it made per kind.
 */
final class HostileFrameMaker {
  /** One frame and the socket family it goes out on. */
  record Frame(boolean arp, ByteBuf bytes) {}

  private static final int[] ARP_FILTERED = {12, 13, 28, 29, 30, 31, 38, 39, 40, 41};
  private static final int[] NDP_FILTERED =
      {12, 13, 20, 21, 54, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77};

  private final Random random = new Random(20261203L);
  private final long mac;
  private final int[] owned4;
  private final long[][] owned6;
  private final Map<String, Long> made = new TreeMap<>();
  private final ByteBuf scratch = Unpooled.buffer(128);

  HostileFrameMaker(long clientMac, List<String> owned) {
    this.mac = clientMac;
    List<Integer> v4 = new ArrayList<>();
    List<long[]> v6 = new ArrayList<>();
    for (String a : owned) {
      InetAddress address = parse(a);
      if (address instanceof Inet4Address four) {
        v4.add(InetAddresses.toInt(four));
      } else {
        Inet6Address six = (Inet6Address) address;
        v6.add(new long[] {InetAddresses.high(six), InetAddresses.low(six)});
      }
    }
    this.owned4 = v4.stream().mapToInt(Integer::intValue).toArray();
    this.owned6 = v6.toArray(long[][]::new);
  }

  int[] ownedIpv4() {
    return owned4.clone();
  }

  long[] ownedIpv6Low() {
    return Arrays.stream(owned6).mapToLong(a -> a[1]).toArray();
  }

  /** Frames made so far by kind. */
  String mix() {
    return made.toString();
  }

  Frame next() {
    boolean arp = random.nextBoolean();
    int kind = random.nextInt(10);
    byte[] f = switch (kind) {
      case 0 -> note("random", randomBytes(arp, 14 + random.nextInt(110), false));
      case 1 -> note("random-with-owned-address", randomBytes(arp, 42 + random.nextInt(80), true));
      case 2, 3 -> note("mutated", mutate(arp, valid(arp, true), random.nextBoolean()));
      case 4 -> {
        byte[] v = valid(arp, true);
        yield note("truncated", Arrays.copyOf(v, 14 + random.nextInt(v.length - 14)));
      }
      case 5 -> note("oversized", Arrays.copyOf(valid(arp, true), 1600 + random.nextInt(7300)));
      case 6 -> {
        byte[] v = valid(arp, true);
        yield note("padded", Arrays.copyOf(v, v.length + 1 + random.nextInt(60)));
      }
      case 7 -> note("not-owned", valid(arp, false));
      case 8 -> note("claims-owned-address", claim(arp));
      default -> note("valid-owned", valid(arp, true));
    };
    return new Frame(arp, Unpooled.wrappedBuffer(f));
  }

  private byte[] note(String kind, byte[] frame) {
    made.merge(kind, 1L, Long::sum);
    return frame;
  }

  private byte[] randomBytes(boolean arp, int length, boolean withOwned) {
    byte[] f = new byte[length];
    random.nextBytes(f);
    putMac(f, 0, -1L);
    putMac(f, 6, mac);
    f[12] = (byte) (arp ? 0x08 : 0x86);
    f[13] = (byte) (arp ? 0x06 : 0xdd);
    if (withOwned && arp) {
      putInt(f, 38, owned4[random.nextInt(owned4.length)]);
    } else if (withOwned && f.length >= 78) {
      f[20] = 58;
      f[21] = (byte) 255;
      f[54] = (byte) 135;
      long[] t = owned6[random.nextInt(owned6.length)];
      putLong(f, 62, t[0]);
      putLong(f, 70, t[1]);
    }
    return f;
  }

  /** A well-formed ARP request or NS, for an owned address or one near it. */
  private byte[] valid(boolean arp, boolean owned) {
    scratch.clear();
    int sender = 198 << 24 | 51 << 16 | 100 << 8 | 9;
    if (arp) {
      int target = owned ? owned4[random.nextInt(owned4.length)]
          : (198 << 24 | 51 << 16 | 100 << 8 | (102 + random.nextInt(100)));
      ArpFrames.writeRequest(scratch, mac, sender, target);
    } else {
      long[] t = owned6[random.nextInt(owned6.length)];
      long lo = owned ? t[1] : t[1] + 2 + random.nextInt(100);
      boolean dad = random.nextInt(8) == 0;
      NdpFrames.writeSolicitation(scratch, mac, dad ? 0 : 0x20010db800000000L, dad ? 0 : 9,
          t[0], lo);
    }
    byte[] f = new byte[scratch.readableBytes()];
    scratch.getBytes(0, f);
    return f;
  }

  /** A gratuitous ARP or unsolicited NA from the client for an owned address (a conflict). */
  private byte[] claim(boolean arp) {
    scratch.clear();
    if (arp) {
      ArpFrames.writeAnnouncement(scratch, mac, owned4[random.nextInt(owned4.length)]);
    } else {
      long[] t = owned6[random.nextInt(owned6.length)];
      NdpFrames.writeUnsolicitedAdvertisement(scratch, mac, t[0], t[1]);
    }
    byte[] f = new byte[scratch.readableBytes()];
    scratch.getBytes(0, f);
    return f;
  }

  private byte[] mutate(boolean arp, byte[] f, boolean spareFiltered) {
    int changes = 1 + random.nextInt(3);
    for (int c = 0; c < changes; c++) {
      int at;
      do {
        at = 14 + random.nextInt(f.length - 14);
      } while (spareFiltered && contains(arp ? ARP_FILTERED : NDP_FILTERED, at));
      f[at] ^= (byte) (1 + random.nextInt(255));
    }
    return f;
  }

  private static boolean contains(int[] set, int value) {
    for (int v : set) {
      if (v == value) {
        return true;
      }
    }
    return false;
  }

  private static void putMac(byte[] f, int at, long value) {
    for (int i = 0; i < 6; i++) {
      f[at + i] = (byte) (value >>> (40 - 8 * i));
    }
  }

  private static void putInt(byte[] f, int at, int value) {
    for (int i = 0; i < 4; i++) {
      f[at + i] = (byte) (value >>> (24 - 8 * i));
    }
  }

  private static void putLong(byte[] f, int at, long value) {
    for (int i = 0; i < 8; i++) {
      f[at + i] = (byte) (value >>> (56 - 8 * i));
    }
  }

  private static InetAddress parse(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }
}
