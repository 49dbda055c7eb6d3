package dev.bootline.dhcp6;

import dev.bootline.wire.Hex;
import dev.bootline.wire.MalformedPacketException;
import java.net.Inet6Address;
import java.util.Arrays;

/**
 * Jazzer target: decoding any bytes either fails with {@link MalformedPacketException} or yields a message that
 * re-encodes to exactly the input and decodes again to an equal message. Accessors and MAC recovery must not throw.
 */
public final class Dhcp6DecoderFuzzTarget {
  private Dhcp6DecoderFuzzTarget() {}

  public static void fuzzerTestOneInput(byte[] data) {
    Dhcp6Message msg;
    try {
      msg = Dhcp6Codec.decode(data);
    } catch (MalformedPacketException e) {
      if (e.reason() == null || e.reason().isBlank()) {
        throw new AssertionError("MalformedPacketException without a reason", e);
      }
      return;
    }
    byte[] again = msg.encode();
    if (!Arrays.equals(data, again)) {
      throw new AssertionError("re-encode differs:\n in  " + Hex.encode(data) + "\n out " + Hex.encode(again));
    }
    Dhcp6Message second;
    try {
      second = Dhcp6Codec.decode(again);
    } catch (MalformedPacketException e) {
      throw new AssertionError("re-encoded message does not decode: " + e.reason(), e);
    }
    if (!second.equals(msg)) {
      throw new AssertionError("decode(encode(m)) != m:\n " + msg + "\n " + second);
    }
    if (second.hashCode() != msg.hashCode()) {
      throw new AssertionError("hashCode differs for equal messages");
    }
    exercise(msg);
  }

  private static void exercise(Dhcp6Message msg) {
    msg.toString();
    Dhcp6Message inner = msg instanceof RelayMessage r ? r.innermost() : msg;
    inner.clientId().ifPresent(d -> d.mac());
    inner.serverId();
    inner.userClasses();
    inner.vendorClass().ifPresent(v -> v.anyStartsWith("HTTPClient"));
    inner.oro().contains(Dhcp6Option.BOOTFILE_URL);
    inner.clientArchTypes();
    inner.iaNas().forEach(ia -> ia.addresses());
    Inet6Address src = Reader.toInet6(new byte[] {(byte) 0xfe, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0x50, 0x54, 0, (byte) 0xff,
        (byte) 0xfe, 0x12, 0x34, 0x56});
    MacRecovery.recover(msg, src);
    if (msg instanceof RelayMessage r && r.is(MessageType.RELAY_FORW)) {
      RelayMessage reply = r.reply(ClientServerMessage.of(MessageType.REPLY, 1));
      reply.encode();
    }
  }
}
