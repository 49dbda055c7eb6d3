package dev.bootline.dhcp6;

import dev.bootline.wire.MacAddress;

import dev.bootline.dhcp6.Dhcp6Option.ClientLinkLayerAddress;
import java.net.Inet6Address;
import java.util.List;
import java.util.Optional;

/**
 * Pure functions that recover a client's MAC address from a DHCPv6 exchange. A server tries them in the order of
 * {@link #recover}: relay option 79, the innermost relay's peer-address if EUI-64, the client's DUID-LL/LLT, the
 * client's own source address if EUI-64. DUID-LLT may name another NIC of the machine, and stable-privacy or temporary
 * addresses carry no MAC, hence the order.
 */
public final class MacRecovery {
  private MacRecovery() {}

  /** How the MAC was learned. */
  public enum Source {
    RELAY_CLIENT_LINK_LAYER_OPTION,
    RELAY_PEER_ADDRESS_EUI64,
    DUID,
    SOURCE_ADDRESS_EUI64
  }

  /** A MAC and where it came from. */
  public record Recovered(MacAddress mac, Source source) {}

  /** From a Client Link-Layer Address option (79) of hardware type 1 with 6 bytes. */
  public static Optional<MacAddress> fromLinkLayerOption(ClientLinkLayerAddress option) {
    return option.mac();
  }

  /**
   * From a modified EUI-64 interface identifier: bytes 11..12 of the address are {@code ff:fe}; the U/L bit of byte 8
   * is flipped back.
   */
  public static Optional<MacAddress> fromEui64(Inet6Address address) {
    byte[] a = address.getAddress();
    if ((a[11] & 0xff) != 0xff || (a[12] & 0xff) != 0xfe) {
      return Optional.empty();
    }
    byte[] mac = {(byte) (a[8] ^ 0x02), a[9], a[10], a[13], a[14], a[15]};
    return Optional.of(MacAddress.of(mac));
  }

  /** From a DUID-LL or DUID-LLT of hardware type 1 (Ethernet) with a 6-byte address. */
  public static Optional<MacAddress> fromDuid(Duid duid) {
    return duid.mac();
  }

  /** From option 79 in any relay hop of {@code message}, the innermost (first-hop) relay first. */
  public static Optional<MacAddress> fromRelayLinkLayerOption(Dhcp6Message message) {
    if (!(message instanceof RelayMessage relay)) {
      return Optional.empty();
    }
    List<RelayMessage> hops = relay.hops();
    for (int i = hops.size() - 1; i >= 0; i--) {
      Optional<MacAddress> mac =
          hops.get(i).option(ClientLinkLayerAddress.class).flatMap(MacRecovery::fromLinkLayerOption);
      if (mac.isPresent()) {
        return mac;
      }
    }
    return Optional.empty();
  }

  /** From the peer-address of the innermost (first-hop) relay, when it is EUI-64. */
  public static Optional<MacAddress> fromRelayPeerAddress(Dhcp6Message message) {
    if (!(message instanceof RelayMessage relay)) {
      return Optional.empty();
    }
    return fromEui64(relay.hops().getLast().peerAddress());
  }

  /** From the Client Identifier of the (innermost) client message. */
  public static Optional<MacAddress> fromClientDuid(Dhcp6Message message) {
    Dhcp6Message inner = message instanceof RelayMessage r ? r.innermost() : message;
    return inner.clientId().flatMap(MacRecovery::fromDuid);
  }

  /**
   * Every method in order, for a datagram received from {@code source} (the relay's or the client's address; may be
   * null when unknown). The source address is only used when the message did not come through a relay.
   */
  public static Optional<Recovered> recover(Dhcp6Message message, Inet6Address source) {
    Optional<MacAddress> mac = fromRelayLinkLayerOption(message);
    if (mac.isPresent()) {
      return mac.map(m -> new Recovered(m, Source.RELAY_CLIENT_LINK_LAYER_OPTION));
    }
    mac = fromRelayPeerAddress(message);
    if (mac.isPresent()) {
      return mac.map(m -> new Recovered(m, Source.RELAY_PEER_ADDRESS_EUI64));
    }
    mac = fromClientDuid(message);
    if (mac.isPresent()) {
      return mac.map(m -> new Recovered(m, Source.DUID));
    }
    if (source != null && !(message instanceof RelayMessage)) {
      return fromEui64(source).map(m -> new Recovered(m, Source.SOURCE_ADDRESS_EUI64));
    }
    return Optional.empty();
  }
}
