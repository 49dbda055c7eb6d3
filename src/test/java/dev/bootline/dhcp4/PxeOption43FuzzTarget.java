package dev.bootline.dhcp4;

import dev.bootline.wire.MalformedPacketException;

/**
 * Jazzer target for the PXE option 43 sub-option parser: it throws only {@link MalformedPacketException}; what it
 * parses encodes (when it fits one option) back to something that parses to an equal model, and the size check
 * agrees with the actual encoded length.
 */
public class PxeOption43FuzzTarget {
  public static void fuzzerTestOneInput(byte[] data) {
    PxeVendorOptions pxe;
    try {
      pxe = PxeVendorOptions.decode(data);
    } catch (MalformedPacketException e) {
      return;
    }
    pxe.discoveryControl();
    pxe.bootMenu();
    pxe.menuPrompt();
    pxe.bootItem();
    pxe.bootServers();
    if (pxe.fits()) {
      byte[] encoded = pxe.encode();
      if (encoded.length != pxe.encodedLength()) {
        throw new IllegalStateException("encodedLength " + pxe.encodedLength() + " but encoded " + encoded.length);
      }
      PxeVendorOptions again;
      try {
        again = PxeVendorOptions.decode(encoded);
      } catch (MalformedPacketException e) {
        throw new IllegalStateException("re-encoded option 43 does not parse: " + e.getMessage(), e);
      }
      if (!again.equals(pxe)) {
        throw new IllegalStateException("decode(encode(x)) != x: " + pxe + " vs " + again);
      }
    } else {
      try {
        pxe.encode();
        throw new IllegalStateException("encode accepted " + pxe.encodedLength() + " bytes");
      } catch (IllegalArgumentException expected) {
        if (!expected.getMessage().contains(pxe.overflowBytes() + " bytes over")) {
          throw new IllegalStateException("size message lacks the overflow: " + expected.getMessage());
        }
      }
    }
  }
}
