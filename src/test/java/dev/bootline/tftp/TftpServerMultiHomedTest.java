package dev.bootline.tftp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.net.NetInterface;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A wildcard listener on a multi-homed server (in-memory network, see {@link TftpServerTest.FakeNetwork}): each
 * transfer answers from the address its client talked to, with blksize capped by the arrival interface's MTU.
 */
class TftpServerMultiHomedTest {
  static final InetSocketAddress WILDCARD = new InetSocketAddress(InetAddress.ofLiteral("0.0.0.0"), 69);
  static final InetAddress JUMBO_LINK = InetAddress.ofLiteral("192.0.2.1"); // ifindex 2, MTU 9000
  static final InetAddress SMALL_LINK = InetAddress.ofLiteral("198.51.100.1"); // ifindex 3, MTU 1400

  @TempDir Path root;
  TftpServerTest.FakeNetwork net;
  TftpServer server;

  @BeforeEach
  void start() throws Exception {
    Files.write(root.resolve("big.bin"), new byte[100_000]);
    net = new TftpServerTest.FakeNetwork();
    net.arrivalInterface.put(JUMBO_LINK, 2);
    net.arrivalInterface.put(SMALL_LINK, 3);
    InterfaceMtu mtus = i -> i == 2 ? OptionalInt.of(9000) : i == 3 ? OptionalInt.of(1400) : OptionalInt.empty();
    var config =
        new TftpServer.Config(List.of(WILDCARD), 8, 1500, new ReadTransfer.Settings(65464, 64, Duration.ofSeconds(5), 2));
    server = new TftpServer(config, new TftpPathResolver(root), TftpEvents.NONE, net, mtus);
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  TftpPacket.OptionAck askBig(TftpServerTest.Client c, InetAddress serverIp) throws Exception {
    c.send(new InetSocketAddress(serverIp, 69), TftpServerTest.rrq("big.bin", new TftpOption("blksize", "65464")));
    var reply = c.next();
    assertThat(reply.source().getAddress()).as("reply source").isEqualTo(serverIp);
    assertThat(reply.source().getPort()).isNotEqualTo(69);
    byte[] b = new byte[reply.data().remaining()];
    reply.data().get(b);
    var oack = (TftpPacket.OptionAck) TftpCodec.decode(b);
    c.send(reply.source(), new TftpPacket.Error(8, "done"));
    return oack;
  }

  static String blksize(TftpPacket.OptionAck oack) {
    return oack.options().stream().filter(o -> o.lowerName().equals("blksize")).findFirst().orElseThrow().value();
  }

  @Test
  void eachClientIsAnsweredFromTheAddressItTalkedToWithItsLinksBlockSize() throws Exception {
    TftpServerTest.Client a = net.client(1000);
    TftpServerTest.Client b = net.client(1001);
    assertThat(blksize(askBig(a, JUMBO_LINK))).isEqualTo(Integer.toString(9000 - 20 - 8 - 4));
    assertThat(blksize(askBig(b, SMALL_LINK))).isEqualTo(Integer.toString(1400 - 20 - 8 - 4));
    assertThat(net.opened).extracting(InetSocketAddress::getAddress).contains(JUMBO_LINK, SMALL_LINK);
  }

  @Test
  void unknownArrivalInterfaceFallsBackToTheConfiguredMtu() throws Exception {
    InetAddress other = InetAddress.ofLiteral("203.0.113.5"); // no ifindex known for it
    assertThat(blksize(askBig(net.client(1000), other))).isEqualTo(Integer.toString(1500 - 20 - 8 - 4));
  }

  @Test
  void transferBindPrefersTheUnicastDestination() {
    var v4Any = new InetSocketAddress(InetAddress.ofLiteral("0.0.0.0"), 69);
    var v6Any = new InetSocketAddress(InetAddress.ofLiteral("::"), 69);
    assertThat(TftpServer.transferBind(v4Any, InetAddress.ofLiteral("192.0.2.7")))
        .isEqualTo(new InetSocketAddress(InetAddress.ofLiteral("192.0.2.7"), 0));
    assertThat(TftpServer.transferBind(v6Any, InetAddress.ofLiteral("2001:db8::5")))
        .isEqualTo(new InetSocketAddress(InetAddress.ofLiteral("2001:db8::5"), 0));
    // no packet info, broadcast, multicast, unspecified: the listener's own address
    assertThat(TftpServer.transferBind(v6Any, null)).isEqualTo(new InetSocketAddress(v6Any.getAddress(), 0));
    assertThat(TftpServer.transferBind(v4Any, InetAddress.ofLiteral("255.255.255.255")))
        .isEqualTo(new InetSocketAddress(v4Any.getAddress(), 0));
    assertThat(TftpServer.transferBind(v6Any, InetAddress.ofLiteral("ff02::1")))
        .isEqualTo(new InetSocketAddress(v6Any.getAddress(), 0));
    assertThat(TftpServer.transferBind(v6Any, InetAddress.ofLiteral("::")))
        .isEqualTo(new InetSocketAddress(v6Any.getAddress(), 0));
  }

  @Test
  void dualStackListenerRepliesToIpv4ClientsWithAnIpv4Source() {
    InetAddress v4 = InetAddress.ofLiteral("192.0.2.1");
    InetAddress v6 = InetAddress.ofLiteral("2001:db8::1");
    InetAddress any4 = InetAddress.ofLiteral("0.0.0.0");
    // IPv6 socket, IPv4 client: never null or an IPv6 source (Linux: EINVAL for a v4-mapped destination)
    assertThat(DatagramEndpoint.PktinfoEndpoint.replySource(true, v4, null)).isEqualTo(any4);
    assertThat(DatagramEndpoint.PktinfoEndpoint.replySource(true, v4, v6)).isEqualTo(any4);
    assertThat(DatagramEndpoint.PktinfoEndpoint.replySource(true, v4, v4)).isEqualTo(v4);
    assertThat(DatagramEndpoint.PktinfoEndpoint.replySource(true, v6, v6)).isEqualTo(v6);
    assertThat(DatagramEndpoint.PktinfoEndpoint.replySource(true, v6, null)).isNull();
    assertThat(DatagramEndpoint.PktinfoEndpoint.replySource(false, v4, null)).isNull();
  }

  @Test
  void listenerRefusalsComeFromTheAddressTheClientTalkedTo() throws Exception {
    TftpServerTest.Client c = net.client(1000);
    c.send(new InetSocketAddress(SMALL_LINK, 69), new TftpPacket.WriteRequest("x", TransferMode.OCTET, List.of()));
    var reply = c.next();
    assertThat(reply.source()).isEqualTo(WILDCARD); // the listener itself answers a write request
    assertThat(net.sources).contains(SMALL_LINK);
  }

  @Test
  void blockSizeCapDependsOnTheClientsFamily() {
    assertThat(TftpServer.maxBlockSize(1500, new InetSocketAddress(InetAddress.ofLiteral("192.0.2.9"), 1)))
        .isEqualTo(1468);
    assertThat(TftpServer.maxBlockSize(1500, new InetSocketAddress(InetAddress.ofLiteral("2001:db8::9"), 1)))
        .isEqualTo(1448);
  }

  @Test
  void interfaceMtuCacheRelistsOnlyWhenStaleOrAskedForAnUnknownIndex() {
    AtomicInteger listings = new AtomicInteger();
    AtomicLong now = new AtomicLong();
    List<NetInterface> ifaces = new ArrayList<>(List.of(iface(2, 9000)));
    InterfaceMtu mtus =
        InterfaceMtu.of(new dev.bootline.net.InterfaceCache(
            () -> { listings.incrementAndGet(); return List.copyOf(ifaces); }, now::get, 1000, 1000));
    assertThat(mtus.mtu(0)).isEmpty();
    assertThat(listings).hasValue(0);
    assertThat(mtus.mtu(2)).hasValue(9000);
    assertThat(mtus.mtu(2)).hasValue(9000);
    assertThat(listings).hasValue(1);
    ifaces.set(0, iface(2, 1500));
    now.set(999);
    assertThat(mtus.mtu(2)).hasValue(9000); // still fresh
    now.set(1000);
    assertThat(mtus.mtu(2)).hasValue(1500);
    assertThat(mtus.mtu(7)).isEmpty(); // unknown index right after a listing: no relist (InterfaceCache)
    assertThat(listings).hasValue(2);
  }

  static NetInterface iface(int index, int mtu) {
    return new NetInterface("eth" + index, index, Optional.empty(), mtu, true, List.of(), List.of(), Optional.empty());
  }
}
