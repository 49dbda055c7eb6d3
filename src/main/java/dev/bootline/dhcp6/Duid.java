package dev.bootline.dhcp6;

import dev.bootline.wire.MacAddress;

import java.util.Optional;
import java.util.UUID;

/** A DHCP Unique Identifier (RFC 8415 section 11). Unknown DUID types are kept raw and round-trip unchanged. */
public sealed interface Duid {
  int TYPE_LLT = 1;
  int TYPE_EN = 2;
  int TYPE_LL = 3;
  int TYPE_UUID = 4;

  /** Hardware type 1 (Ethernet) in DUID-LL/LLT and option 79. */
  int HW_ETHERNET = 1;

  int type();

  /** The MAC address when this is a DUID-LL or DUID-LLT of hardware type 1 with a 6-byte address. */
  default Optional<MacAddress> mac() {
    return switch (this) {
      case Llt l when l.hardwareType() == HW_ETHERNET && l.linkLayerAddress().length() == 6 ->
          Optional.of(MacAddress.of(l.linkLayerAddress().toArray()));
      case Ll l when l.hardwareType() == HW_ETHERNET && l.linkLayerAddress().length() == 6 ->
          Optional.of(MacAddress.of(l.linkLayerAddress().toArray()));
      default -> Optional.empty();
    };
  }

  /** The DUID's wire bytes (type included). */
  default Bytes encoded() {
    Writer w = new Writer();
    Dhcp6Codec.writeDuid(this, w);
    return Bytes.of(w.toByteArray());
  }

  /** DUID-LLT: hardware type, time (seconds since 2000-01-01 UTC, mod 2^32) and link-layer address. */
  record Llt(int hardwareType, long time, Bytes linkLayerAddress) implements Duid {
    public Llt {
      Checks.u16(hardwareType, "hardware type");
      Checks.u32(time, "DUID time");
      java.util.Objects.requireNonNull(linkLayerAddress);
    }

    public static Llt ethernet(long time, MacAddress mac) {
      return new Llt(HW_ETHERNET, time, Bytes.of(mac.bytes()));
    }

    @Override
    public int type() {
      return TYPE_LLT;
    }
  }

  /** DUID-EN: enterprise number and identifier. */
  record En(long enterpriseNumber, Bytes identifier) implements Duid {
    public En {
      Checks.u32(enterpriseNumber, "enterprise number");
      java.util.Objects.requireNonNull(identifier);
    }

    @Override
    public int type() {
      return TYPE_EN;
    }
  }

  /** DUID-LL: hardware type and link-layer address. */
  record Ll(int hardwareType, Bytes linkLayerAddress) implements Duid {
    public Ll {
      Checks.u16(hardwareType, "hardware type");
      java.util.Objects.requireNonNull(linkLayerAddress);
    }

    public static Ll ethernet(MacAddress mac) {
      return new Ll(HW_ETHERNET, Bytes.of(mac.bytes()));
    }

    @Override
    public int type() {
      return TYPE_LL;
    }
  }

  /** DUID-UUID (RFC 6355). */
  record Uuid(UUID uuid) implements Duid {
    public Uuid {
      java.util.Objects.requireNonNull(uuid);
    }

    @Override
    public int type() {
      return TYPE_UUID;
    }
  }

  /** Any other DUID type, kept as its raw bytes after the type. */
  record Unknown(int type, Bytes data) implements Duid {
    public Unknown {
      Checks.u16(type, "DUID type");
      if (type >= TYPE_LLT && type <= TYPE_UUID) {
        throw new IllegalArgumentException("DUID type " + type + " has its own record");
      }
      java.util.Objects.requireNonNull(data);
    }
  }
}
