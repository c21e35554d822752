package dev.vipd.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.Inet4Address;
import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** ARP frames captured from arping and the Linux kernel (see golden/capture.sh). */
class ArpGoldenTest {
  static final long MAC_A = 0x02_00_00_00_00_01L;
  static final long MAC_B = 0x02_00_00_00_00_02L;
  static final int IP_A = 0xc6_33_64_01; // 198.51.100.1
  static final int IP_B = 0xc6_33_64_02; // 198.51.100.2

  @ParameterizedTest
  @ValueSource(strings = {"arp-request-arping", "arp-request-unicast", "arp-reply-kernel",
      "arp-garp-request", "arp-garp-reply"})
  void capturedFramesPassCheckAndRoundTrip(String name) throws Exception {
    ByteBuf frame = Golden.frame(name);
    assertThat(ArpFrames.check(frame)).isEqualTo(FrameError.NONE);
    ByteBuf out = Unpooled.buffer();
    ArpPacket.decode(frame).encode(out);
    assertThat(Golden.toBytes(out)).isEqualTo(Golden.bytes(name));
    assertThat(frame.readerIndex()).isZero();
  }

  @Test
  void broadcastRequestFromArping() throws Exception {
    ByteBuf frame = Golden.frame("arp-request-arping");
    ArpPacket p = ArpPacket.decode(frame);
    assertThat(p.ethernet().destination()).isEqualTo(MacAddress.BROADCAST);
    assertThat(p.ethernet().source()).isEqualTo(MacAddress.parse("02:00:00:00:00:01"));
    assertThat(p.operation()).isEqualTo(ArpOperation.REQUEST);
    assertThat(p.senderMac().value()).isEqualTo(MAC_A);
    assertThat(p.senderIp()).isEqualTo(ip("198.51.100.1"));
    // iputils arping puts the broadcast address in the target hardware field; RFC 826 leaves it
    // unspecified, our writer sends zero (as the kernel does).
    assertThat(p.targetMac()).isEqualTo(MacAddress.BROADCAST);
    assertThat(p.targetIp()).isEqualTo(ip("198.51.100.2"));
    assertThat(ArpFrames.operation(frame)).isEqualTo(1);
    assertThat(ArpFrames.senderIp(frame)).isEqualTo(IP_A);
    assertThat(ArpFrames.targetIp(frame)).isEqualTo(IP_B);
    assertThat(ArpFrames.ethernetDestination(frame)).isEqualTo(0xffff_ffff_ffffL);

    ByteBuf ours = Unpooled.buffer();
    ArpFrames.writeRequest(ours, MAC_A, IP_A, IP_B);
    ArpPacket written = ArpPacket.decode(ours);
    assertThat(written).isEqualTo(new ArpPacket(p.ethernet(), p.operation(), p.senderMac(),
        p.senderIp(), MacAddress.ZERO, p.targetIp()));
  }

  @Test
  void unicastRequestFromArping() throws Exception {
    ArpPacket p = ArpPacket.decode(Golden.frame("arp-request-unicast"));
    assertThat(p.ethernet().destination().value()).isEqualTo(MAC_B);
    assertThat(p.operation()).isEqualTo(ArpOperation.REQUEST);
    assertThat(p.targetMac().value()).isEqualTo(MAC_B);
    assertThat(p.targetIp()).isEqualTo(ip("198.51.100.2"));
  }

  @Test
  void ourReplyIsByteForByteTheKernelReply() throws Exception {
    ByteBuf kernel = Golden.frame("arp-reply-kernel");
    ArpPacket p = ArpPacket.decode(kernel);
    assertThat(p.operation()).isEqualTo(ArpOperation.REPLY);
    assertThat(p.senderMac().value()).isEqualTo(MAC_B);
    assertThat(p.senderIp()).isEqualTo(ip("198.51.100.2"));
    assertThat(p.targetMac().value()).isEqualTo(MAC_A);
    assertThat(p.targetIp()).isEqualTo(ip("198.51.100.1"));

    ByteBuf ours = Unpooled.buffer();
    ArpFrames.writeReply(ours, MAC_B, IP_B, MAC_A, IP_A);
    assertThat(Golden.toBytes(ours)).isEqualTo(Golden.bytes("arp-reply-kernel"));
  }

  @Test
  void announcementMatchesArpingUnsolicitedExceptTheTargetHardwareAddress() throws Exception {
    ArpPacket arping = ArpPacket.decode(Golden.frame("arp-garp-request"));
    assertThat(arping.operation()).isEqualTo(ArpOperation.REQUEST);
    assertThat(arping.senderIp()).isEqualTo(arping.targetIp());
    ByteBuf ours = Unpooled.buffer();
    ArpFrames.writeAnnouncement(ours, MAC_A, IP_A);
    // RFC 5227 2.3: an announcement's target hardware address is zero; arping -U sends ff:ff:...
    assertThat(ArpPacket.decode(ours)).isEqualTo(new ArpPacket(arping.ethernet(),
        arping.operation(), arping.senderMac(), arping.senderIp(), MacAddress.ZERO,
        arping.targetIp()));
  }

  @Test
  void replyFormGratuitousArpFromArping() throws Exception {
    ArpPacket p = ArpPacket.decode(Golden.frame("arp-garp-reply"));
    assertThat(p.operation()).isEqualTo(ArpOperation.REPLY);
    assertThat(p.ethernet().destination()).isEqualTo(MacAddress.BROADCAST);
    assertThat(p.targetMac()).isEqualTo(p.senderMac());
    assertThat(p.targetIp()).isEqualTo(p.senderIp());
  }

  @Test
  void ethernetPaddingUpToSixtyBytesIsIgnored() throws Exception {
    byte[] padded = new byte[60];
    System.arraycopy(Golden.bytes("arp-reply-kernel"), 0, padded, 0, 42);
    ByteBuf frame = Unpooled.wrappedBuffer(padded);
    assertThat(ArpFrames.check(frame)).isEqualTo(FrameError.NONE);
    ByteBuf out = Unpooled.buffer();
    ArpPacket.decode(frame).encode(out);
    assertThat(Golden.toBytes(out)).isEqualTo(Golden.bytes("arp-reply-kernel"));
  }

  @Test
  void readsRelativeToTheReaderIndex() {
    ByteBuf frame = Unpooled.buffer();
    frame.writeBytes(new byte[7]);
    frame.writeBytes(Golden.bytes("arp-reply-kernel"));
    frame.readerIndex(7);
    assertThat(ArpFrames.check(frame)).isEqualTo(FrameError.NONE);
    assertThat(ArpFrames.senderMac(frame)).isEqualTo(MAC_B);
    assertThat(ArpFrames.targetIp(frame)).isEqualTo(IP_A);
    assertThat(frame.readerIndex()).isEqualTo(7);
  }

  static Inet4Address ip(String text) throws Exception {
    return (Inet4Address) InetAddress.getByName(text);
  }
}
