package dev.bootline.dhcp6;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.dhcp6.Dhcp6Option.ClientId;
import dev.bootline.dhcp6.Dhcp6Option.IaNa;
import dev.bootline.dhcp6.Dhcp6Option.InterfaceId;
import dev.bootline.dhcp6.Dhcp6Option.RelayMessageOption;
import dev.bootline.net.SourceRateLimiter;
import dev.bootline.wire.MacAddress;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The rate limiter's key for relayed DHCPv6: the client behind the relay, not the relay. */
class RelayPeerTest {
  static final InetAddress RELAY = InetAddress.ofLiteral("2001:db8:9::1");
  static final Inet6Address LINK = (Inet6Address) InetAddress.ofLiteral("2001:db8:2::1");
  static final Inet6Address PEER_A = (Inet6Address) InetAddress.ofLiteral("fe80::5054:ff:fe00:a");
  static final Inet6Address PEER_B = (Inet6Address) InetAddress.ofLiteral("fe80::5054:ff:fe00:b");
  final AtomicLong now = new AtomicLong(1_000_000_000L);
  final SourceRateLimiter oneEach = new SourceRateLimiter(1, 1, 16, now::get); // one datagram per source, then none

  static byte[] solicit(int mac) {
    return Dhcp6Codec.encode(ClientServerMessage.builder(MessageType.SOLICIT, mac)
        .add(new ClientId(Duid.Ll.ethernet(MacAddress.of(new byte[] {0x52, 0x54, 0, 0, 0, (byte) mac}))))
        .add(IaNa.of(mac, 0, 0)).build());
  }

  static byte[] relayed(Inet6Address peer, int mac) throws Exception {
    return Dhcp6Codec.encode(RelayMessage.forward(0, LINK, peer,
        new InterfaceId(Bytes.of(new byte[] {1, 2})), new RelayMessageOption(Dhcp6Codec.decode(solicit(mac)))));
  }

  boolean allow(byte[] datagram, InetAddress from) {
    ByteBuffer b = ByteBuffer.allocateDirect(65536).put(datagram); // as the listener has it: position at the end
    return RelayPeer.allow(oneEach, b, datagram.length, from);
  }

  @Test
  void oneRelayWithTwoClientsBehindItIsTwoSources() throws Exception {
    assertThat(allow(relayed(PEER_A, 0xa), RELAY)).isTrue();
    assertThat(allow(relayed(PEER_B, 0xb), RELAY)).as("another client behind the same relay").isTrue();
    assertThat(allow(relayed(PEER_A, 0xa), RELAY)).as("the first client again: its bucket is empty").isFalse();
    assertThat(allow(solicit(0xc), RELAY)).as("the relay's own address is a third, unused key").isTrue();
  }

  @Test
  void nestedRelaysAreKeyedByTheInnermostPeer() throws Exception {
    byte[] twoHops = Dhcp6Codec.encode(RelayMessage.forward(1, LINK, (Inet6Address) InetAddress.ofLiteral("2001:db8:3::9"),
        new RelayMessageOption(Dhcp6Codec.decode(relayed(PEER_A, 0xa)))));
    assertThat(RelayPeer.innermostPeerOffset(ByteBuffer.wrap(twoHops), twoHops.length))
        .as("outer header 34 + option header 4 + inner peer offset 18").isEqualTo(34 + 4 + 18);
    assertThat(allow(twoHops, RELAY)).isTrue();
    assertThat(allow(relayed(PEER_A, 0xa), InetAddress.ofLiteral("2001:db8:3::9"))).as("same client, one hop").isFalse();
  }

  @Test
  void aClientMessageIsKeyedByItsSource() {
    byte[] s = solicit(1);
    assertThat(RelayPeer.innermostPeerOffset(ByteBuffer.wrap(s), s.length)).isEqualTo(-1);
    assertThat(allow(s, PEER_A)).isTrue();
    assertThat(allow(solicit(2), PEER_A)).as("another MAC from the same address is the same source").isFalse();
    assertThat(allow(solicit(2), PEER_B)).isTrue();
  }

  @Test
  void aCutShortRelayIsKeyedByWhatIsWhole() throws Exception {
    byte[] r = relayed(PEER_A, 0xa);
    assertThat(RelayPeer.innermostPeerOffset(ByteBuffer.wrap(r), 33)).as("header cut short").isEqualTo(-1);
    assertThat(RelayPeer.innermostPeerOffset(ByteBuffer.wrap(r), r.length - 1)).as("relay-message option cut short")
        .isEqualTo(18);
    byte[] garbage = Arrays.copyOf(new byte[] {12}, 600); // a Relay-Forward type byte and zeros: an empty option list
    assertThat(RelayPeer.innermostPeerOffset(ByteBuffer.wrap(garbage), garbage.length)).isEqualTo(18);
  }

  @Test
  void offAllowsEverything() throws Exception {
    SourceRateLimiter off = SourceRateLimiter.perSecond(0);
    byte[] r = relayed(PEER_A, 0xa);
    for (int i = 0; i < 1000; i++) {
      assertThat(RelayPeer.allow(off, ByteBuffer.wrap(r), r.length, RELAY)).isTrue();
    }
  }
}
