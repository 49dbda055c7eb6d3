package dev.bootline.dhcp4;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * One PXE option 43 sub-option (PXE spec 2.1 §2.4). Known codes with well-formed data decode to their typed record;
 * anything else (1–5 multicast discovery settings, unknown codes, a known code with malformed data) stays {@link Raw},
 * so decoding never loses bytes. Texts are ISO-8859-1, one byte per character, as PXE ROMs print them.
 */
public sealed interface PxeSubOption {
  int DISCOVERY_CONTROL = 6;
  int BOOT_SERVERS = 8;
  int BOOT_MENU = 9;
  int MENU_PROMPT = 10;
  int BOOT_ITEM = 71;

  int code();

  /** The sub-option's data, without code and length. */
  byte[] encodeData();

  /** Size on the wire: code, length, data. */
  default int encodedLength() {
    return 2 + encodeData().length;
  }

  /** Decodes one sub-option's data; never fails (malformed known codes become {@link Raw}). */
  static PxeSubOption decode(int code, byte[] data) {
    return switch (code) {
      case DISCOVERY_CONTROL -> data.length == 1 ? new DiscoveryControl(data[0] & 0xff) : new Raw(code, data);
      case BOOT_SERVERS -> BootServers.parse(data);
      case BOOT_MENU -> BootMenu.parse(data);
      case MENU_PROMPT ->
          data.length >= 1
              ? new MenuPrompt(data[0] & 0xff, latin1(data, 1, data.length - 1))
              : new Raw(code, data);
      case BOOT_ITEM ->
          data.length == 4 ? new BootItem(u16(data, 0), u16(data, 2)) : new Raw(code, data);
      default -> new Raw(code, data);
    };
  }

  /** 6: discovery control bits. */
  record DiscoveryControl(int bits) implements PxeSubOption {
    public static final int DISABLE_BROADCAST = 1;
    public static final int DISABLE_MULTICAST = 2;
    public static final int ONLY_BOOT_SERVER_LIST = 4;
    public static final int USE_BOOTFILE_DIRECTLY = 8;

    public DiscoveryControl {
      checkRange("discovery control bits", bits, 0xff);
    }

    public static DiscoveryControl of(
        boolean disableBroadcast,
        boolean disableMulticast,
        boolean onlyBootServerList,
        boolean useBootfileDirectly) {
      return new DiscoveryControl(
          (disableBroadcast ? DISABLE_BROADCAST : 0)
              | (disableMulticast ? DISABLE_MULTICAST : 0)
              | (onlyBootServerList ? ONLY_BOOT_SERVER_LIST : 0)
              | (useBootfileDirectly ? USE_BOOTFILE_DIRECTLY : 0));
    }

    public boolean disableBroadcast() {
      return (bits & DISABLE_BROADCAST) != 0;
    }

    public boolean disableMulticast() {
      return (bits & DISABLE_MULTICAST) != 0;
    }

    public boolean onlyBootServerList() {
      return (bits & ONLY_BOOT_SERVER_LIST) != 0;
    }

    public boolean useBootfileDirectly() {
      return (bits & USE_BOOTFILE_DIRECTLY) != 0;
    }

    @Override
    public int code() {
      return DISCOVERY_CONTROL;
    }

    @Override
    public byte[] encodeData() {
      return new byte[] {(byte) bits};
    }
  }

  /** One entry of sub-option 8: a boot server type and its addresses. */
  record BootServer(int type, List<Inet4Address> addresses) {
    public BootServer {
      checkRange("boot server type", type, 0xffff);
      addresses = List.copyOf(addresses);
      if (addresses.size() > 255) {
        throw new IllegalArgumentException("boot server type " + type + " lists " + addresses.size() + " addresses; at most 255");
      }
    }
  }

  /** 8: boot servers, {u16 type, u8 count, IPv4 × count} each. */
  record BootServers(List<BootServer> servers) implements PxeSubOption {
    public BootServers {
      servers = List.copyOf(servers);
    }

    static PxeSubOption parse(byte[] d) {
      List<BootServer> out = new ArrayList<>();
      int i = 0;
      while (i < d.length) {
        if (i + 3 > d.length) {
          return new Raw(BOOT_SERVERS, d);
        }
        int type = u16(d, i);
        int count = d[i + 2] & 0xff;
        if (i + 3 + 4 * count > d.length) {
          return new Raw(BOOT_SERVERS, d);
        }
        List<Inet4Address> addresses = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
          addresses.add(Ipv4.of(d, i + 3 + 4 * k));
        }
        out.add(new BootServer(type, addresses));
        i += 3 + 4 * count;
      }
      return new BootServers(out);
    }

    @Override
    public int code() {
      return BOOT_SERVERS;
    }

    @Override
    public byte[] encodeData() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (BootServer s : servers) {
        out.write(s.type() >> 8);
        out.write(s.type());
        out.write(s.addresses().size());
        for (Inet4Address a : s.addresses()) {
          out.writeBytes(a.getAddress());
        }
      }
      return out.toByteArray();
    }
  }

  /** One entry of sub-option 9: a boot server type (0 = local boot) and the text the ROM shows. */
  record MenuItem(int type, String description) {
    public MenuItem {
      checkRange("menu item type", type, 0xffff);
      checkLatin1("menu item description", description, 255);
    }
  }

  /** 9: boot menu, {u16 type, u8 length, text} each. */
  record BootMenu(List<MenuItem> items) implements PxeSubOption {
    public BootMenu {
      items = List.copyOf(items);
    }

    static PxeSubOption parse(byte[] d) {
      List<MenuItem> out = new ArrayList<>();
      int i = 0;
      while (i < d.length) {
        if (i + 3 > d.length || i + 3 + (d[i + 2] & 0xff) > d.length) {
          return new Raw(BOOT_MENU, d);
        }
        int len = d[i + 2] & 0xff;
        out.add(new MenuItem(u16(d, i), latin1(d, i + 3, len)));
        i += 3 + len;
      }
      return new BootMenu(out);
    }

    @Override
    public int code() {
      return BOOT_MENU;
    }

    @Override
    public byte[] encodeData() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (MenuItem item : items) {
        byte[] text = item.description().getBytes(StandardCharsets.ISO_8859_1);
        out.write(item.type() >> 8);
        out.write(item.type());
        out.write(text.length);
        out.writeBytes(text);
      }
      return out.toByteArray();
    }
  }

  /** 10: menu prompt; timeout in seconds (0 = boot the first item now, 255 = wait for a key) and text. */
  record MenuPrompt(int timeout, String prompt) implements PxeSubOption {
    public MenuPrompt {
      checkRange("menu timeout", timeout, 0xff);
      checkLatin1("menu prompt", prompt, 254);
    }

    @Override
    public int code() {
      return MENU_PROMPT;
    }

    @Override
    public byte[] encodeData() {
      byte[] text = prompt.getBytes(StandardCharsets.ISO_8859_1);
      byte[] out = new byte[1 + text.length];
      out[0] = (byte) timeout;
      System.arraycopy(text, 0, out, 1, text.length);
      return out;
    }
  }

  /** 71: boot item, the menu choice a client sends to 4011 and the server echoes; layer bit 15 asks for credentials. */
  record BootItem(int type, int layer) implements PxeSubOption {
    public BootItem {
      checkRange("boot item type", type, 0xffff);
      checkRange("boot item layer", layer, 0xffff);
    }

    @Override
    public int code() {
      return BOOT_ITEM;
    }

    @Override
    public byte[] encodeData() {
      return new byte[] {(byte) (type >> 8), (byte) type, (byte) (layer >> 8), (byte) layer};
    }
  }

  /** Any other sub-option, or a known one whose data did not parse, kept as bytes. */
  record Raw(int code, byte[] data) implements PxeSubOption {
    public Raw {
      if (code < 1 || code > 254) {
        throw new IllegalArgumentException("sub-option code must be 1..254, got " + code);
      }
      data = data.clone();
      if (data.length > 255) {
        throw new IllegalArgumentException("sub-option " + code + " is " + data.length + " bytes; at most 255");
      }
    }

    @Override
    public byte[] data() {
      return data.clone();
    }

    @Override
    public byte[] encodeData() {
      return data.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Raw other && code == other.code && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
      return Objects.hash(code, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
      return "Raw[" + code + "=" + HexFormat.of().formatHex(data) + "]";
    }
  }

  private static int u16(byte[] d, int i) {
    return ((d[i] & 0xff) << 8) | (d[i + 1] & 0xff);
  }

  private static String latin1(byte[] d, int offset, int length) {
    return new String(d, offset, length, StandardCharsets.ISO_8859_1);
  }

  private static void checkRange(String what, int value, int max) {
    if (value < 0 || value > max) {
      throw new IllegalArgumentException(what + " must be 0.." + max + ", got " + value);
    }
  }

  private static void checkLatin1(String what, String text, int maxBytes) {
    Objects.requireNonNull(text, what);
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) > 0xff) {
        throw new IllegalArgumentException(
            what + " '" + text + "' has character '" + text.charAt(i) + "' at " + i
                + "; PXE ROMs show single-byte (ISO-8859-1) text only");
      }
    }
    if (text.length() > maxBytes) {
      throw new IllegalArgumentException(
          what + " is " + text.length() + " bytes; at most " + maxBytes + " fit");
    }
  }
}
