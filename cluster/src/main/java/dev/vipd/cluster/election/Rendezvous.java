package dev.vipd.cluster.election;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/**
 * The rendezvous (highest random weight) hash that breaks ties between equally loaded nodes.
 *
 * <p>Keys are 64-bit FNV-1a hashes of stable bytes (the node name in UTF-8, the VIP's address
 * bytes) passed through MurmurHash3's {@code fmix64} finalizer; the weight of a pair is {@code
 * fmix64(nodeKey ^ vipKey)}. Nothing depends on the JVM ({@code String.hashCode} of collections,
 * identity hashes), so every node and every vipd version that keeps this class computes the same
 * weights. Changing it changes where ties land: treat it as part of the cluster protocol.
 */
final class Rendezvous {
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private Rendezvous() {}

  static long nodeKey(String name) {
    return hash(name.getBytes(StandardCharsets.UTF_8));
  }

  static long vipKey(byte[] address) {
    return hash(address);
  }

  static long vipKey(InetAddress vip) {
    return hash(vip.getAddress());
  }

  /** The weight of a (node, VIP) pair; among tied nodes the highest weight wins. */
  static long weight(long nodeKey, long vipKey) {
    return fmix64(nodeKey ^ vipKey);
  }

  private static long hash(byte[] bytes) {
    long h = FNV_OFFSET;
    for (byte b : bytes) {
      h ^= b & 0xff;
      h *= FNV_PRIME;
    }
    return fmix64(h);
  }

  /** MurmurHash3's 64-bit finalizer: a bijection with full avalanche. */
  static long fmix64(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
