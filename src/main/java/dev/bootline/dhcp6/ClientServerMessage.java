package dev.bootline.dhcp6;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A client/server message (RFC 8415 section 8): msg-type, 24-bit transaction id, options.
 *
 * @param msgType any type but Relay-Forw (12) and Relay-Repl (13)
 * @param transactionId 0..0xffffff
 */
public record ClientServerMessage(int msgType, int transactionId, List<Dhcp6Option> options)
    implements Dhcp6Message {

  public ClientServerMessage {
    Checks.u8(msgType, "message type");
    if (msgType == MessageType.RELAY_FORW.code() || msgType == MessageType.RELAY_REPL.code()) {
      throw new IllegalArgumentException("relay messages are RelayMessage records");
    }
    Checks.u24(transactionId, "transaction id");
    options = List.copyOf(options);
  }

  public static ClientServerMessage of(MessageType type, int transactionId, Dhcp6Option... options) {
    return new ClientServerMessage(type.code(), transactionId, List.of(options));
  }

  public static Builder builder(MessageType type, int transactionId) {
    return new Builder(type.code(), transactionId);
  }

  /**
   * A builder for an answer to {@code request}: same transaction id, the client's Client Identifier copied first (when
   * the request has one).
   */
  public static Builder answer(ClientServerMessage request, MessageType type) {
    Builder b = new Builder(type.code(), request.transactionId());
    request.option(Dhcp6Option.ClientId.class).ifPresent(b::add);
    return b;
  }

  public Builder toBuilder() {
    Builder b = new Builder(msgType, transactionId);
    b.options.addAll(options);
    return b;
  }

  @Override
  public String toString() {
    return type().map(Enum::name).orElse("type-" + msgType)
        + String.format("[xid=%06x, ", transactionId)
        + options
        + "]";
  }

  /** Collects options in order. */
  public static final class Builder {
    private final int msgType;
    private final int transactionId;
    private final List<Dhcp6Option> options = new ArrayList<>();

    private Builder(int msgType, int transactionId) {
      this.msgType = msgType;
      this.transactionId = transactionId;
    }

    public Builder add(Dhcp6Option option) {
      options.add(Objects.requireNonNull(option));
      return this;
    }

    public Builder addAll(List<? extends Dhcp6Option> more) {
      more.forEach(this::add);
      return this;
    }

    /** Adds {@code option} only when {@code condition} holds, e.g. the Boot File URL only when the ORO asks for 59. */
    public Builder addIf(boolean condition, Dhcp6Option option) {
      return condition ? add(option) : this;
    }

    /** Removes every option with this code. */
    public Builder remove(int code) {
      options.removeIf(o -> o.code() == code);
      return this;
    }

    public ClientServerMessage build() {
      return new ClientServerMessage(msgType, transactionId, options);
    }
  }
}
