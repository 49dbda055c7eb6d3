package dev.bootline.dhcp6;

import dev.bootline.dhcp6.Dhcp6Option.ClientArch;
import dev.bootline.dhcp6.Dhcp6Option.ClientId;
import dev.bootline.dhcp6.Dhcp6Option.IaNa;
import dev.bootline.dhcp6.Dhcp6Option.OptionRequest;
import dev.bootline.dhcp6.Dhcp6Option.ServerId;
import dev.bootline.dhcp6.Dhcp6Option.UserClass;
import dev.bootline.dhcp6.Dhcp6Option.VendorClass;
import dev.bootline.wire.MalformedPacketException;
import java.util.List;
import java.util.Optional;

/**
 * A DHCPv6 message: a {@link ClientServerMessage} (types 1..11 and any unassigned type) or a {@link RelayMessage}
 * (Relay-Forw 12 / Relay-Repl 13). Options keep their wire order, so {@link #encode()} of a decoded message gives back
 * the same bytes.
 *
 * <p>The accessors look only at this message's own top-level options; for a relayed request use
 * {@link RelayMessage#innermost()} first.
 */
public sealed interface Dhcp6Message permits ClientServerMessage, RelayMessage {

  /** The message type code (msg-type byte). */
  int msgType();

  List<Dhcp6Option> options();

  /** The message type, empty for a code RFC 8415 does not assign. */
  default Optional<MessageType> type() {
    return MessageType.of(msgType());
  }

  default boolean is(MessageType type) {
    return msgType() == type.code();
  }

  static Dhcp6Message decode(byte[] datagram) throws MalformedPacketException {
    return Dhcp6Codec.decode(datagram);
  }

  default byte[] encode() {
    return Dhcp6Codec.encode(this);
  }

  /** The first option of the given record type, e.g. {@code msg.option(ClientId.class)}. */
  default <T extends Dhcp6Option> Optional<T> option(Class<T> type) {
    return Dhcp6Option.first(options(), type);
  }

  /** Every option of the given record type, in order. */
  default <T extends Dhcp6Option> List<T> options(Class<T> type) {
    return Dhcp6Option.all(options(), type);
  }

  /** The first option with this code, typed or not. */
  default Optional<Dhcp6Option> findFirst(int code) {
    for (Dhcp6Option o : options()) {
      if (o.code() == code) {
        return Optional.of(o);
      }
    }
    return Optional.empty();
  }

  default boolean has(int code) {
    return findFirst(code).isPresent();
  }

  default Optional<Duid> clientId() {
    return option(ClientId.class).map(ClientId::duid);
  }

  default Optional<Duid> serverId() {
    return option(ServerId.class).map(ServerId::duid);
  }

  /** The Option Request option, or an empty one when absent. */
  default OptionRequest oro() {
    return option(OptionRequest.class).orElse(OptionRequest.EMPTY);
  }

  /** Every user class item from every User Class option, as text; iPXE sends {@code "iPXE"}. */
  default List<String> userClasses() {
    List<UserClass> classes = options(UserClass.class);
    if (classes.isEmpty()) {
      return List.of();
    }
    List<String> out = new java.util.ArrayList<>();
    for (UserClass u : classes) {
      out.addAll(u.strings());
    }
    return java.util.Collections.unmodifiableList(out);
  }

  /** The first Vendor Class option. */
  default Optional<VendorClass> vendorClass() {
    return option(VendorClass.class);
  }

  /** The architecture types of the Client Arch option (61), empty when absent. */
  default List<Integer> clientArchTypes() {
    return option(ClientArch.class).map(ClientArch::types).orElse(List.of());
  }

  default List<IaNa> iaNas() {
    return options(IaNa.class);
  }
}
