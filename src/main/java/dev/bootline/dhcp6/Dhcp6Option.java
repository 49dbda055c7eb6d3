package dev.bootline.dhcp6;

import dev.bootline.wire.MacAddress;

import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A DHCPv6 option. Known options are typed records; anything else is an {@link Unknown} holding the raw data, so that
 * every decoded message re-encodes byte for byte.
 */
public sealed interface Dhcp6Option {
  int CLIENT_ID = 1;
  int SERVER_ID = 2;
  int IA_NA = 3;
  int IA_TA = 4;
  int IAADDR = 5;
  int ORO = 6;
  int PREFERENCE = 7;
  int ELAPSED_TIME = 8;
  int RELAY_MSG = 9;
  int STATUS_CODE = 13;
  int RAPID_COMMIT = 14;
  int USER_CLASS = 15;
  int VENDOR_CLASS = 16;
  int VENDOR_OPTS = 17;
  int INTERFACE_ID = 18;
  int DNS_SERVERS = 23;
  int DOMAIN_LIST = 24;
  int CLIENT_FQDN = 39;
  int BOOTFILE_URL = 59;
  int BOOTFILE_PARAM = 60;
  int CLIENT_ARCH_TYPE = 61;
  int NII = 62;
  int CLIENT_LINKLAYER_ADDR = 79;

  /** IANA enterprise number of Intel, used by PXE and UEFI HTTP boot in the Vendor Class option. */
  long ENTERPRISE_INTEL = 343;

  /** The option code. */
  int code();

  /** Client Identifier (1). */
  record ClientId(Duid duid) implements Dhcp6Option {
    public ClientId {
      Objects.requireNonNull(duid);
    }

    @Override
    public int code() {
      return CLIENT_ID;
    }
  }

  /** Server Identifier (2). */
  record ServerId(Duid duid) implements Dhcp6Option {
    public ServerId {
      Objects.requireNonNull(duid);
    }

    @Override
    public int code() {
      return SERVER_ID;
    }
  }

  /** Identity Association for Non-temporary Addresses (3); sub-options are typically {@link IaAddress} and status. */
  record IaNa(long iaid, long t1, long t2, List<Dhcp6Option> options) implements Dhcp6Option {
    public IaNa {
      Checks.u32(iaid, "IAID");
      Checks.u32(t1, "T1");
      Checks.u32(t2, "T2");
      options = List.copyOf(options);
    }

    public static IaNa of(long iaid, long t1, long t2, Dhcp6Option... options) {
      return new IaNa(iaid, t1, t2, List.of(options));
    }

    @Override
    public int code() {
      return IA_NA;
    }

    public List<IaAddress> addresses() {
      return Dhcp6Option.all(options, IaAddress.class);
    }

    public Optional<StatusCode> status() {
      return Dhcp6Option.first(options, StatusCode.class);
    }
  }

  /** Identity Association for Temporary Addresses (4). */
  record IaTa(long iaid, List<Dhcp6Option> options) implements Dhcp6Option {
    public IaTa {
      Checks.u32(iaid, "IAID");
      options = List.copyOf(options);
    }

    @Override
    public int code() {
      return IA_TA;
    }

    public List<IaAddress> addresses() {
      return Dhcp6Option.all(options, IaAddress.class);
    }

    public Optional<StatusCode> status() {
      return Dhcp6Option.first(options, StatusCode.class);
    }
  }

  /** IA Address (5), inside IA_NA / IA_TA. */
  record IaAddress(Inet6Address address, long preferredLifetime, long validLifetime, List<Dhcp6Option> options)
      implements Dhcp6Option {
    public IaAddress {
      Objects.requireNonNull(address);
      Checks.u32(preferredLifetime, "preferred lifetime");
      Checks.u32(validLifetime, "valid lifetime");
      options = List.copyOf(options);
    }

    public static IaAddress of(Inet6Address address, long preferredLifetime, long validLifetime) {
      return new IaAddress(address, preferredLifetime, validLifetime, List.of());
    }

    @Override
    public int code() {
      return IAADDR;
    }

    public Optional<StatusCode> status() {
      return Dhcp6Option.first(options, StatusCode.class);
    }
  }

  /** Option Request (6): the option codes the client asks for. */
  record OptionRequest(List<Integer> codes) implements Dhcp6Option {
    public static final OptionRequest EMPTY = new OptionRequest(List.of());

    public OptionRequest {
      codes = List.copyOf(codes);
      codes.forEach(c -> Checks.u16(c, "requested option code"));
    }

    public static OptionRequest of(int... codes) {
      List<Integer> l = new ArrayList<>(codes.length);
      for (int c : codes) {
        l.add(c);
      }
      return new OptionRequest(l);
    }

    public boolean contains(int code) {
      return codes.contains(code);
    }

    @Override
    public int code() {
      return ORO;
    }
  }

  /** Preference (7), 0..255. */
  record Preference(int value) implements Dhcp6Option {
    public Preference {
      Checks.u8(value, "preference");
    }

    @Override
    public int code() {
      return PREFERENCE;
    }
  }

  /** Elapsed Time (8) in hundredths of a second; 0xffff means "longer". */
  record ElapsedTime(int hundredths) implements Dhcp6Option {
    public ElapsedTime {
      Checks.u16(hundredths, "elapsed time");
    }

    @Override
    public int code() {
      return ELAPSED_TIME;
    }
  }

  /** Relay Message (9): the message a relay forwards or returns, itself a client/server or relay message. */
  record RelayMessageOption(Dhcp6Message message) implements Dhcp6Option {
    public RelayMessageOption {
      Objects.requireNonNull(message);
    }

    @Override
    public int code() {
      return RELAY_MSG;
    }
  }

  /** Status Code (13): a code and a UTF-8 message. */
  record StatusCode(int status, Bytes message) implements Dhcp6Option {
    public static final int SUCCESS = 0;
    public static final int UNSPEC_FAIL = 1;
    public static final int NO_ADDRS_AVAIL = 2;
    public static final int NO_BINDING = 3;
    public static final int NOT_ON_LINK = 4;
    public static final int USE_MULTICAST = 5;
    public static final int NO_PREFIX_AVAIL = 6;

    public StatusCode {
      Checks.u16(status, "status code");
      Objects.requireNonNull(message);
    }

    public static StatusCode of(int status, String message) {
      return new StatusCode(status, Bytes.utf8(message));
    }

    public static StatusCode success() {
      return of(SUCCESS, "success");
    }

    public String text() {
      return message.utf8();
    }

    @Override
    public int code() {
      return STATUS_CODE;
    }
  }

  /** Rapid Commit (14), no data. */
  record RapidCommit() implements Dhcp6Option {
    @Override
    public int code() {
      return RAPID_COMMIT;
    }
  }

  /** User Class (15): a list of opaque class data; iPXE sends {@code "iPXE"}. */
  record UserClass(List<Bytes> classes) implements Dhcp6Option {
    public UserClass {
      classes = List.copyOf(classes);
      classes.forEach(c -> Checks.u16(c.length(), "user class length"));
    }

    public static UserClass of(String... classes) {
      List<Bytes> l = new ArrayList<>();
      for (String c : classes) {
        l.add(Bytes.utf8(c));
      }
      return new UserClass(l);
    }

    /** Each class as text (UTF-8). */
    public List<String> strings() {
      return classes.stream().map(Bytes::utf8).toList();
    }

    @Override
    public int code() {
      return USER_CLASS;
    }
  }

  /**
   * Vendor Class (16): enterprise number and a list of opaque data. EDK2 sends enterprise 343 with
   * {@code PXEClient:Arch:00007:...} or {@code HTTPClient:Arch:00016:...}.
   */
  record VendorClass(long enterpriseNumber, List<Bytes> data) implements Dhcp6Option {
    public VendorClass {
      Checks.u32(enterpriseNumber, "enterprise number");
      data = List.copyOf(data);
      data.forEach(c -> Checks.u16(c.length(), "vendor class data length"));
    }

    public static VendorClass of(long enterpriseNumber, String... data) {
      List<Bytes> l = new ArrayList<>();
      for (String c : data) {
        l.add(Bytes.utf8(c));
      }
      return new VendorClass(enterpriseNumber, l);
    }

    /** Each data item as text (UTF-8). */
    public List<String> strings() {
      return data.stream().map(Bytes::utf8).toList();
    }

    /** The first data item as text, or "" when there is none. */
    public String first() {
      return data.isEmpty() ? "" : data.getFirst().utf8();
    }

    /** True when any data item begins with the ASCII text {@code prefix}, e.g. {@code HTTPClient}. */
    public boolean anyStartsWith(String prefix) {
      return data.stream().anyMatch(d -> d.startsWithAscii(prefix));
    }

    @Override
    public int code() {
      return VENDOR_CLASS;
    }
  }

  /** Vendor-specific Information (17): enterprise number and the raw vendor option data. */
  record VendorOpts(long enterpriseNumber, Bytes data) implements Dhcp6Option {
    public VendorOpts {
      Checks.u32(enterpriseNumber, "enterprise number");
      Objects.requireNonNull(data);
    }

    @Override
    public int code() {
      return VENDOR_OPTS;
    }
  }

  /** Interface-Id (18), opaque, set by a relay and echoed back in the Relay-Repl. */
  record InterfaceId(Bytes id) implements Dhcp6Option {
    public InterfaceId {
      Objects.requireNonNull(id);
    }

    @Override
    public int code() {
      return INTERFACE_ID;
    }
  }

  /** DNS Recursive Name Servers (23). */
  record DnsServers(List<Inet6Address> servers) implements Dhcp6Option {
    public DnsServers {
      servers = List.copyOf(servers);
    }

    @Override
    public int code() {
      return DNS_SERVERS;
    }
  }

  /** Domain Search List (24). */
  record DomainList(List<DomainName> domains) implements Dhcp6Option {
    public DomainList {
      domains = List.copyOf(domains);
      for (DomainName d : domains) {
        if (!d.fullyQualified()) {
          throw new IllegalArgumentException("domain search list names are fully qualified: " + d);
        }
      }
    }

    public static DomainList of(String... domains) {
      List<DomainName> l = new ArrayList<>();
      for (String d : domains) {
        l.add(DomainName.of(d));
      }
      return new DomainList(l);
    }

    @Override
    public int code() {
      return DOMAIN_LIST;
    }
  }

  /** Client FQDN (39, RFC 4704): flags (S, O, N bits) and a possibly partial name. */
  record ClientFqdn(int flags, DomainName name) implements Dhcp6Option {
    public ClientFqdn {
      Checks.u8(flags, "FQDN flags");
      Objects.requireNonNull(name);
    }

    @Override
    public int code() {
      return CLIENT_FQDN;
    }
  }

  /** Boot File URL (59, RFC 5970). */
  record BootFileUrl(Bytes value) implements Dhcp6Option {
    public BootFileUrl {
      Objects.requireNonNull(value);
    }

    public static BootFileUrl of(String url) {
      return new BootFileUrl(Bytes.utf8(url));
    }

    public String url() {
      return value.utf8();
    }

    @Override
    public int code() {
      return BOOTFILE_URL;
    }
  }

  /** Boot File Parameters (60, RFC 5970): a list of u16-length-prefixed strings. */
  record BootFileParams(List<Bytes> params) implements Dhcp6Option {
    public BootFileParams {
      params = List.copyOf(params);
      params.forEach(c -> Checks.u16(c.length(), "boot file parameter length"));
    }

    public static BootFileParams of(String... params) {
      List<Bytes> l = new ArrayList<>();
      for (String p : params) {
        l.add(Bytes.utf8(p));
      }
      return new BootFileParams(l);
    }

    public List<String> strings() {
      return params.stream().map(Bytes::utf8).toList();
    }

    @Override
    public int code() {
      return BOOTFILE_PARAM;
    }
  }

  /** Client System Architecture Type (61, RFC 5970): u16 architecture types, e.g. 7 (x64 UEFI), 16 (x64 HTTP). */
  record ClientArch(List<Integer> types) implements Dhcp6Option {
    public ClientArch {
      types = List.copyOf(types);
      types.forEach(c -> Checks.u16(c, "architecture type"));
    }

    public static ClientArch of(int... types) {
      List<Integer> l = new ArrayList<>();
      for (int t : types) {
        l.add(t);
      }
      return new ClientArch(l);
    }

    @Override
    public int code() {
      return CLIENT_ARCH_TYPE;
    }
  }

  /** Client Network Interface Identifier (62, RFC 5970): type (1 = UNDI), major and minor revision. */
  record Nii(int type, int major, int minor) implements Dhcp6Option {
    public Nii {
      Checks.u8(type, "NII type");
      Checks.u8(major, "NII major");
      Checks.u8(minor, "NII minor");
    }

    @Override
    public int code() {
      return NII;
    }
  }

  /** Client Link-Layer Address (79, RFC 6939), added by a first-hop relay. */
  record ClientLinkLayerAddress(int hardwareType, Bytes address) implements Dhcp6Option {
    public ClientLinkLayerAddress {
      Checks.u16(hardwareType, "hardware type");
      Objects.requireNonNull(address);
    }

    public static ClientLinkLayerAddress ethernet(MacAddress mac) {
      return new ClientLinkLayerAddress(Duid.HW_ETHERNET, Bytes.of(mac.bytes()));
    }

    /** The MAC when the hardware type is 1 (Ethernet) and the address has 6 bytes. */
    public Optional<MacAddress> mac() {
      return hardwareType == Duid.HW_ETHERNET && address.length() == 6
          ? Optional.of(MacAddress.of(address.toArray()))
          : Optional.empty();
    }

    @Override
    public int code() {
      return CLIENT_LINKLAYER_ADDR;
    }
  }

  /** Any option this codec has no record for, kept raw. */
  record Unknown(int code, Bytes data) implements Dhcp6Option {
    public Unknown {
      Checks.u16(code, "option code");
      Objects.requireNonNull(data);
    }

    public static Unknown of(int code, String ascii) {
      return new Unknown(code, Bytes.ascii(ascii));
    }
  }

  /** The options of type {@code type} in {@code options}, in order. */
  static <T extends Dhcp6Option> List<T> all(List<Dhcp6Option> options, Class<T> type) {
    // Loops, not streams: these run several times per packet and the stream set-up was a third of the packet thread.
    List<T> out = null;
    for (Dhcp6Option o : options) {
      if (type.isInstance(o)) {
        if (out == null) {
          out = new java.util.ArrayList<>(2);
        }
        out.add(type.cast(o));
      }
    }
    return out == null ? List.of() : java.util.Collections.unmodifiableList(out);
  }

  /** The first option of type {@code type} in {@code options}. */
  static <T extends Dhcp6Option> Optional<T> first(List<Dhcp6Option> options, Class<T> type) {
    for (Dhcp6Option o : options) {
      if (type.isInstance(o)) {
        return Optional.of(type.cast(o));
      }
    }
    return Optional.empty();
  }
}
