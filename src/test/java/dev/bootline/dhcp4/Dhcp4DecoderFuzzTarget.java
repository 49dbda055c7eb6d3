package dev.bootline.dhcp4;

import dev.bootline.wire.MalformedPacketException;
import java.util.Arrays;

/**
 * Jazzer target: any bytes either fail with {@link MalformedPacketException} or decode into a message that re-encodes
 * to exactly the input and decodes again to an equal message; the typed accessors never throw.
 */
public class Dhcp4DecoderFuzzTarget {
  public static void fuzzerTestOneInput(byte[] data) {
    Dhcp4Message m;
    try {
      m = Dhcp4Message.decode(data);
    } catch (MalformedPacketException e) {
      return;
    }
    byte[] again = m.encode();
    if (!Arrays.equals(again, data)) {
      throw new IllegalStateException("re-encoding differs from the input: " + m);
    }
    Dhcp4Message second;
    try {
      second = Dhcp4Message.decode(again);
    } catch (MalformedPacketException e) {
      throw new IllegalStateException("re-encoded message does not decode: " + e.reason(), e);
    }
    if (!second.equals(m) || second.hashCode() != m.hashCode()) {
      throw new IllegalStateException("decode(encode(m)) != m: " + m + " vs " + second);
    }
    readEverything(m);
  }

  /** The typed view must not throw on any decoded message (except the 43 parser's own MalformedPacketException). */
  private static void readEverything(Dhcp4Message m) {
    Dhcp4Options o = m.options();
    m.toString();
    m.ethernetMac();
    m.fileField();
    m.snameField();
    o.messageType();
    o.serverIdentifier();
    o.requestedIp();
    o.maxMessageSize();
    o.parameterRequestList();
    o.vendorClass().ifPresent(v -> {
      v.arch();
      v.undiMajor();
      v.undiMinor();
    });
    o.isPxeClient();
    o.isHttpClient();
    o.hostName();
    o.tftpServerName();
    o.bootfileName();
    o.clientIdentifier();
    o.userClass().ifPresent(UserClass::classes);
    o.isIpxe();
    o.clientArchitectures();
    o.clientNdi();
    o.clientMachineId().ifPresent(ClientMachineId::uuid);
    o.ipxeEncapsulated();
    o.relayAgentInformation();
    o.overload();
    try {
      o.pxeVendorOptions();
    } catch (MalformedPacketException e) {
      // a malformed option 43 is the caller's to report
    }
    if (m.isEthernet()) {
      // a reply built from any decodable request must encode and decode
      Dhcp4Message reply = Dhcp4Message.replyTo(m, Dhcp4MessageType.OFFER).vendorClass("PXEClient").build();
      try {
        Dhcp4Message back = Dhcp4Message.decode(reply.encode());
        if (!back.equals(reply)) {
          throw new IllegalStateException("reply does not round-trip: " + reply);
        }
      } catch (MalformedPacketException e) {
        throw new IllegalStateException("built reply does not decode: " + e.reason(), e);
      }
    }
  }
}
