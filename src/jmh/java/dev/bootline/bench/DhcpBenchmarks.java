package dev.bootline.bench;

import dev.bootline.boot.Assignment;
import dev.bootline.boot.BootPlan;
import dev.bootline.boot.BootPolicy;
import dev.bootline.boot.ClientFacts;
import dev.bootline.config.BootlineConfig;
import dev.bootline.config.ConfigLoader;
import dev.bootline.dhcp4.Dhcp4Message;
import dev.bootline.dhcp4.ProxyResponder;
import dev.bootline.dhcp6.Bytes;
import dev.bootline.dhcp6.Dhcp6Codec;
import dev.bootline.dhcp6.Dhcp6Message;
import dev.bootline.dhcp6.Dhcp6Responder;
import dev.bootline.dhcp6.Duid;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-packet costs of the DHCP hot path, on captured real-client packets (the fuzz seeds in src/test/resources):
 * decode, decide, encode for the proxy (UEFI PXE DISCOVER) and for DHCPv6 (UEFI HTTP-boot Solicit). Run with
 * {@code ./mvnw -Pjmh verify} (see bench/README.md); {@code -prof gc} gives the allocation per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DhcpBenchmarks {
  static final String DISCOVER =
      "/fuzz/Dhcp4DecoderFuzzTarget/uefi-pxe4-virtio-net-pci-builtin-tcg_01-client-dhcp4-discover";
  static final String SOLICIT =
      "/fuzz/Dhcp6DecoderFuzzTarget/fixture-uefi-http6kea-virtio-net-pci-builtin-tcg-01-client-dhcp6-solicit.bin";
  static final String CONFIG = """
      interfaces: [eth0]
      dhcp6:
        base-address: "2001:db8:1::"
      boot:
        http-boot-url-template: "http://192.0.2.1/mac/{{.MAC}}/boot.ipxe"
      """;

  byte[] discoverBytes;
  Dhcp4Message discover;
  ProxyResponder proxy;
  ProxyResponder.Arrival proxyArrival;
  Dhcp4Message offer;
  BootPolicy policy;
  ClientFacts facts;

  byte[] solicitBytes;
  Dhcp6Message solicit;
  Dhcp6Responder dhcp6;
  Dhcp6Responder.Arrival dhcp6Arrival;
  Dhcp6Message advertise;

  @Setup
  public void setup() throws Exception {
    BootlineConfig config = ConfigLoader.fromYaml(CONFIG, "bench.yaml", List.of());
    policy = new BootPolicy(config);

    discoverBytes = resource(DISCOVER);
    discover = Dhcp4Message.decode(discoverBytes);
    proxy = new ProxyResponder(config, policy, Assignment.Source.NONE);
    Inet4Address us = (Inet4Address) InetAddress.getByName("192.0.2.1");
    proxyArrival = new ProxyResponder.Arrival(ProxyResponder.Service.PROXY_67, "eth0", 2, us,
        new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 68), InetAddress.getByName("255.255.255.255"));
    offer = ((ProxyResponder.Reply) proxy.respond(discover, proxyArrival)).message();
    facts = proxy.facts(discover, proxyArrival);

    solicitBytes = resource(SOLICIT);
    solicit = Dhcp6Codec.decode(solicitBytes);
    dhcp6 = new Dhcp6Responder(config, policy, Assignment.Source.NONE,
        new Duid.Ll(1, Bytes.of(new byte[] {2, 0, 0, 0, 0, 1})));
    dhcp6Arrival = new Dhcp6Responder.Arrival("eth0", 2, (Inet6Address) InetAddress.getByName("fe80::5054:ff:fe12:3456%1"),
        Optional.of((Inet6Address) InetAddress.getByName("2001:db8:1::1")));
    advertise = ((Dhcp6Responder.Answer) dhcp6.respond(solicit, dhcp6Arrival)).reply();
  }

  static byte[] resource(String name) throws IOException {
    try (InputStream in = DhcpBenchmarks.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("missing test resource " + name);
      }
      return in.readAllBytes();
    }
  }

  @Benchmark
  public Dhcp4Message dhcp4DecodeDiscover() throws Exception {
    return Dhcp4Message.decode(discoverBytes);
  }

  @Benchmark
  public byte[] dhcp4EncodeOffer() {
    return offer.encode();
  }

  @Benchmark
  public ProxyResponder.Outcome proxyDecide() throws Exception {
    return proxy.respond(discover, proxyArrival);
  }

  /** What the proxy server does per DISCOVER, sockets aside: decode, decide, encode. */
  @Benchmark
  public byte[] proxyDecodeDecideEncode() throws Exception {
    return ((ProxyResponder.Reply) proxy.respond(Dhcp4Message.decode(discoverBytes), proxyArrival)).message().encode();
  }

  @Benchmark
  public BootPlan bootPolicyDecide() {
    return policy.decide(facts, Assignment.Source.NONE);
  }

  @Benchmark
  public Dhcp6Message dhcp6DecodeSolicit() throws Exception {
    return Dhcp6Codec.decode(solicitBytes);
  }

  @Benchmark
  public byte[] dhcp6EncodeAdvertise() {
    return Dhcp6Codec.encode(advertise);
  }

  @Benchmark
  public Dhcp6Responder.Outcome dhcp6Decide() {
    return dhcp6.respond(solicit, dhcp6Arrival);
  }

  /** What the DHCPv6 server does per Solicit, sockets aside: decode, decide, encode. */
  @Benchmark
  public byte[] dhcp6DecodeDecideEncode() throws Exception {
    return Dhcp6Codec.encode(((Dhcp6Responder.Answer) dhcp6.respond(Dhcp6Codec.decode(solicitBytes), dhcp6Arrival)).reply());
  }
}
