package dev.bootline.dhcp4;

import static dev.bootline.dhcp4.Dhcp4OptionCodes.*;

import dev.bootline.wire.MalformedPacketException;
import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A message's options: the raw item sequence as seen on the wire ({@link #items()}) and a typed view in which every
 * instance of a code, across the options field and any overloaded {@code file}/{@code sname} field, is concatenated
 * in order (RFC 3396).
 *
 * <p>Typed accessors for fixed-format options ({@link #messageType()}, {@link #serverIdentifier()}, ...) read an
 * option whose data does not fit its format as absent; the bytes stay available through {@link #get(int)}. The
 * structured PXE option 43 parser ({@link #pxeVendorOptions()}) throws {@link MalformedPacketException} instead,
 * because a proxy must tell "no menu choice" from "a choice it cannot read".
 */
public record Dhcp4Options(List<Dhcp4OptionItem> items) {

  public Dhcp4Options {
    items = List.copyOf(items);
  }

  public static Dhcp4Options of(List<Dhcp4OptionItem> items) {
    return new Dhcp4Options(items);
  }

  /** The option instances (no pads, end or trailers), in wire order. */
  public List<Dhcp4OptionItem.Option> instances() {
    List<Dhcp4OptionItem.Option> out = new ArrayList<>();
    for (Dhcp4OptionItem item : items) {
      if (item instanceof Dhcp4OptionItem.Option o) {
        out.add(o);
      }
    }
    return out;
  }

  /** The instances of one code, in wire order (more than one when the sender split a long option, RFC 3396). */
  public List<Dhcp4OptionItem.Option> instances(int code) {
    return instances().stream().filter(o -> o.code() == code).toList();
  }

  /** Distinct codes in order of first appearance. */
  public List<Integer> codes() {
    LinkedHashSet<Integer> codes = new LinkedHashSet<>();
    for (Dhcp4OptionItem.Option o : instances()) {
      codes.add(o.code());
    }
    return List.copyOf(codes);
  }

  public boolean contains(int code) {
    for (Dhcp4OptionItem item : items) {
      if (item instanceof Dhcp4OptionItem.Option o && o.code() == code) {
        return true;
      }
    }
    return false;
  }

  /** The option's data: all its instances concatenated in wire order (RFC 3396); empty when absent. */
  public Optional<byte[]> get(int code) {
    Dhcp4OptionItem.Option first = null;
    ByteArrayOutputStream out = null;
    for (Dhcp4OptionItem item : items) {
      if (item instanceof Dhcp4OptionItem.Option o && o.code() == code) {
        if (first == null) {
          first = o; // the usual case: one instance, copied once below
        } else {
          if (out == null) {
            out = new ByteArrayOutputStream();
            out.write(first.dataNoCopy(), 0, first.length());
          }
          out.write(o.dataNoCopy(), 0, o.length());
        }
      }
    }
    if (first == null) {
      return Optional.empty();
    }
    return Optional.of(out == null ? Arrays.copyOf(first.dataNoCopy(), first.length()) : out.toByteArray());
  }

  /** Option 52 (overload) as 1 = file, 2 = sname, 3 = both; only instances in the options field count. */
  public OptionalInt overload() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    boolean seen = false;
    for (Dhcp4OptionItem item : items) {
      if (item instanceof Dhcp4OptionItem.Option o
          && o.code() == OVERLOAD
          && o.area() == Dhcp4OptionArea.OPTIONS) {
        seen = true;
        out.write(o.dataNoCopy(), 0, o.length());
      }
    }
    byte[] v = out.toByteArray();
    return seen && v.length == 1 ? OptionalInt.of(v[0] & 0xff) : OptionalInt.empty();
  }

  // ---- option 53, 54, 50, 57, 55

  public OptionalInt messageTypeCode() {
    return u8(MESSAGE_TYPE);
  }

  public Optional<Dhcp4MessageType> messageType() {
    OptionalInt code = messageTypeCode();
    return code.isPresent() ? Dhcp4MessageType.of(code.getAsInt()) : Optional.empty();
  }

  public Optional<Inet4Address> serverIdentifier() {
    return ipv4(SERVER_IDENTIFIER);
  }

  public Optional<Inet4Address> requestedIp() {
    return ipv4(REQUESTED_IP);
  }

  public OptionalInt maxMessageSize() {
    return get(MAX_MESSAGE_SIZE)
        .filter(d -> d.length == 2)
        .map(d -> OptionalInt.of(((d[0] & 0xff) << 8) | (d[1] & 0xff)))
        .orElse(OptionalInt.empty());
  }

  public List<Integer> parameterRequestList() {
    return get(PARAMETER_REQUEST_LIST)
        .map(
            d -> {
              List<Integer> out = new ArrayList<>(d.length);
              for (byte b : d) {
                out.add(b & 0xff);
              }
              return List.copyOf(out);
            })
        .orElse(List.of());
  }

  public boolean requestsParameter(int code) {
    return parameterRequestList().contains(code);
  }

  // ---- text options 60, 12, 66, 67

  public Optional<VendorClass> vendorClass() {
    return get(VENDOR_CLASS_IDENTIFIER).map(d -> new VendorClass(new String(d, StandardCharsets.ISO_8859_1)));
  }

  /** Vendor class starts with {@code PXEClient}. */
  public boolean isPxeClient() {
    return vendorClass().map(VendorClass::isPxeClient).orElse(false);
  }

  /** Vendor class starts with {@code HTTPClient} (UEFI HTTP boot). */
  public boolean isHttpClient() {
    return vendorClass().map(VendorClass::isHttpClient).orElse(false);
  }

  public Optional<String> hostName() {
    return text(HOST_NAME);
  }

  public Optional<String> tftpServerName() {
    return text(TFTP_SERVER_NAME);
  }

  public Optional<String> bootfileName() {
    return text(BOOTFILE_NAME);
  }

  // ---- client identity: 61, 77, 93, 94, 97

  public Optional<byte[]> clientIdentifier() {
    return get(CLIENT_IDENTIFIER);
  }

  public Optional<UserClass> userClass() {
    return get(USER_CLASS).map(UserClass::new);
  }

  /** Option 77 says iPXE, in either the raw form iPXE sends or RFC 3004 form. */
  public boolean isIpxe() {
    return userClass().map(UserClass::isIpxe).orElse(false);
  }

  /** Option 93 as a list of u16 architecture types; empty when absent or of odd length. */
  public List<Integer> clientArchitectures() {
    return get(CLIENT_SYSTEM_ARCHITECTURE)
        .filter(d -> d.length % 2 == 0)
        .map(
            d -> {
              List<Integer> out = new ArrayList<>(d.length / 2);
              for (int i = 0; i < d.length; i += 2) {
                out.add(((d[i] & 0xff) << 8) | (d[i + 1] & 0xff));
              }
              return List.copyOf(out);
            })
        .orElse(List.of());
  }

  public Optional<ClientNdi> clientNdi() {
    return get(CLIENT_NETWORK_DEVICE_INTERFACE)
        .filter(d -> d.length == 3)
        .map(d -> new ClientNdi(d[0] & 0xff, d[1] & 0xff, d[2] & 0xff));
  }

  public Optional<ClientMachineId> clientMachineId() {
    return get(CLIENT_MACHINE_IDENTIFIER)
        .filter(d -> d.length == 17)
        .map(d -> new ClientMachineId(d[0] & 0xff, java.util.Arrays.copyOfRange(d, 1, 17)));
  }

  // ---- encapsulated: 43, 175, 82

  /** Option 43 as sent (raw, concatenated). */
  public Optional<byte[]> vendorSpecific() {
    return get(VENDOR_SPECIFIC);
  }

  /** Option 43 parsed as PXE sub-options; throws when present but not a well-formed sub-option list. */
  public Optional<PxeVendorOptions> pxeVendorOptions() throws MalformedPacketException {
    Optional<byte[]> raw = get(VENDOR_SPECIFIC);
    return raw.isEmpty() ? Optional.empty() : Optional.of(PxeVendorOptions.decode(raw.get()));
  }

  public Optional<EncapsulatedOptions> ipxeEncapsulated() {
    return get(IPXE_ENCAPSULATED).map(EncapsulatedOptions::parse);
  }

  /** Option 82, verbatim (to echo in the reply) with its sub-options (1 circuit id, 2 remote id, ...). */
  public Optional<EncapsulatedOptions> relayAgentInformation() {
    return get(RELAY_AGENT_INFORMATION).map(EncapsulatedOptions::parse);
  }

  // ---- helpers

  private OptionalInt u8(int code) {
    return get(code).filter(d -> d.length == 1).map(d -> OptionalInt.of(d[0] & 0xff)).orElse(OptionalInt.empty());
  }

  private Optional<Inet4Address> ipv4(int code) {
    return get(code).filter(d -> d.length == 4).map(Ipv4::of);
  }

  private Optional<String> text(int code) {
    return get(code).map(Dhcp4Options::nulTerminated);
  }

  /** Text up to the first NUL (some senders NUL-terminate 66/67), as UTF-8. */
  static String nulTerminated(byte[] d) {
    int n = 0;
    while (n < d.length && d[n] != 0) {
      n++;
    }
    return new String(d, 0, n, StandardCharsets.UTF_8);
  }
}
