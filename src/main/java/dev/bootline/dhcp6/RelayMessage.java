package dev.bootline.dhcp6;

import dev.bootline.dhcp6.Dhcp6Option.InterfaceId;
import dev.bootline.dhcp6.Dhcp6Option.RelayMessageOption;
import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A Relay-Forward (12) or Relay-Reply (13) message (RFC 8415 section 9): hop count, link-address, peer-address and
 * options, among them the Relay Message option (9) carrying the relayed message, which may itself be a relay message.
 * The decoder accepts at most {@link Dhcp6Codec#MAX_RELAY_DEPTH} nested relay messages.
 */
public record RelayMessage(
    int msgType, int hopCount, Inet6Address linkAddress, Inet6Address peerAddress, List<Dhcp6Option> options)
    implements Dhcp6Message {

  public RelayMessage {
    if (msgType != MessageType.RELAY_FORW.code() && msgType != MessageType.RELAY_REPL.code()) {
      throw new IllegalArgumentException("a relay message has type 12 or 13, not " + msgType);
    }
    Checks.u8(hopCount, "hop count");
    Objects.requireNonNull(linkAddress);
    Objects.requireNonNull(peerAddress);
    options = List.copyOf(options);
  }

  public static RelayMessage forward(
      int hopCount, Inet6Address linkAddress, Inet6Address peerAddress, Dhcp6Option... options) {
    return new RelayMessage(MessageType.RELAY_FORW.code(), hopCount, linkAddress, peerAddress, List.of(options));
  }

  /**
   * The Relay-Repl answering this Relay-Forw with {@code reply}: every hop mirrored (hop count, link-address,
   * peer-address, Interface-Id echoed), innermost hop wrapping {@code reply}.
   */
  public RelayMessage reply(Dhcp6Message reply) {
    Dhcp6Message inner = relayed().orElse(null) instanceof RelayMessage r ? r.reply(reply) : reply;
    List<Dhcp6Option> opts = new ArrayList<>();
    interfaceId().ifPresent(opts::add);
    opts.add(new RelayMessageOption(inner));
    return new RelayMessage(MessageType.RELAY_REPL.code(), hopCount, linkAddress, peerAddress, opts);
  }

  /** The message in the Relay Message option. */
  public Optional<Dhcp6Message> relayed() {
    return option(RelayMessageOption.class).map(RelayMessageOption::message);
  }

  /**
   * The message at the bottom of the relay chain: the first non-relay message, or the innermost relay message when
   * that carries no Relay Message option.
   */
  public Dhcp6Message innermost() {
    Dhcp6Message m = this;
    while (m instanceof RelayMessage r && r.relayed().isPresent()) {
      m = r.relayed().get();
    }
    return m;
  }

  /** Every relay hop from this (outermost, the last relay before the server) to the innermost (first-hop relay). */
  public List<RelayMessage> hops() {
    List<RelayMessage> out = new ArrayList<>();
    Dhcp6Message m = this;
    while (m instanceof RelayMessage r) {
      out.add(r);
      m = r.relayed().orElse(null);
    }
    return out;
  }

  public Optional<InterfaceId> interfaceId() {
    return option(InterfaceId.class);
  }

  @Override
  public String toString() {
    return type().map(Enum::name).orElseThrow()
        + "[hops="
        + hopCount
        + ", link="
        + linkAddress.getHostAddress()
        + ", peer="
        + peerAddress.getHostAddress()
        + ", "
        + options
        + "]";
  }
}
