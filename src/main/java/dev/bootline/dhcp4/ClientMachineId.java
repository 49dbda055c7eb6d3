package dev.bootline.dhcp4;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.UUID;

/**
 * Option 97, client machine identifier: a type byte (0 = GUID) and 16 bytes. Kept as sent; {@link #uuid()} reads the
 * bytes in wire order, without the little-endian field swap some firmware applies to SMBIOS UUIDs.
 */
public record ClientMachineId(int type, byte[] id) {
  public ClientMachineId {
    if (id.length != 16) {
      throw new IllegalArgumentException("machine id must be 16 bytes, got " + id.length);
    }
    id = id.clone();
  }

  @Override
  public byte[] id() {
    return id.clone();
  }

  public UUID uuid() {
    ByteBuffer b = ByteBuffer.wrap(id);
    return new UUID(b.getLong(), b.getLong());
  }

  /** The option's wire data: type then the 16 bytes. */
  public byte[] encode() {
    byte[] out = new byte[17];
    out[0] = (byte) type;
    System.arraycopy(id, 0, out, 1, 16);
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClientMachineId other && type == other.type && Arrays.equals(id, other.id);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, Arrays.hashCode(id));
  }

  @Override
  public String toString() {
    return "ClientMachineId[type=" + type + ", " + HexFormat.of().formatHex(id) + "]";
  }
}
