package dev.vipd.cluster.election;

import java.net.InetAddress;

/**
 * An address as a hash key that spreads well. {@code Inet6Address.hashCode()} sums the address's
 * four 32-bit words, so the VIP ranges operators configure (2001:db8:0:1::1-2001:db8:0:1::3e8,
 * 2001:db8:0:2::1-...) collide by the thousand, and {@code Map.copyOf} of them degrades to linear
 * probing (ElectionBenchmark measured ~120 ms instead of ~3 ms for 10,000 VIPs; {@code HashMap}
 * suffers less but still treeifies). Every VIP lookup inside the election goes through this key.
 */
record AddressKey(int length, long high, long low) {

  static AddressKey of(InetAddress address) {
    return of(address.getAddress());
  }

  static AddressKey of(byte[] bytes) {
    long high = 0;
    long low = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (i < bytes.length - 8) {
        high = (high << 8) | (bytes[i] & 0xff);
      } else {
        low = (low << 8) | (bytes[i] & 0xff);
      }
    }
    return new AddressKey(bytes.length, high, low);
  }

  @Override
  public int hashCode() {
    long mixed = Rendezvous.fmix64(high ^ Rendezvous.fmix64(low + length));
    return (int) (mixed ^ (mixed >>> 32));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AddressKey k && k.length == length && k.high == high && k.low == low;
  }
}
