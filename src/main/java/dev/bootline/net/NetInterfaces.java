package dev.bootline.net;

import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Interface discovery (through java.net.NetworkInterface, so it sees the current network namespace). */
public final class NetInterfaces {
  private NetInterfaces() {}

  /** What a server needs from an interface besides existing and being up. */
  public enum Need {
    /** Up and with carrier. Servers do not need it: they start before a cable is plugged in. */
    UP("up"),
    IPV4("an IPv4 address"),
    IPV6_LINK_LOCAL("an IPv6 link-local address"),
    IPV6_GLOBAL("a global IPv6 address");

    private final String description;

    Need(String description) {
      this.description = description;
    }
  }

  /** Every interface, sorted by index. */
  public static List<NetInterface> list() {
    try {
      List<NetInterface> result = new ArrayList<>();
      for (NetworkInterface ni : NetworkInterface.networkInterfaces().toList()) {
        if (ni.isVirtual()) {
          continue; // "eth0:1" style aliases: their addresses already appear on the parent
        }
        result.add(describe(ni));
      }
      result.sort(Comparator.comparingInt(NetInterface::index));
      return result;
    } catch (SocketException e) {
      throw new UncheckedIOException("cannot list network interfaces", e);
    }
  }

  public static Optional<NetInterface> find(String name) {
    return list().stream().filter(i -> i.name().equals(name)).findFirst();
  }

  public static Optional<NetInterface> byIndex(int index) {
    return list().stream().filter(i -> i.index() == index).findFirst();
  }

  /**
   * The named interface, which must exist, be up and have what {@code needs} lists; otherwise an
   * IllegalArgumentException whose message says what is wrong, e.g. {@code interface 'enp9s0' not found; available:
   * lo, br0, eth0}.
   */
  public static NetInterface require(String name, Need... needs) {
    return require(name, list(), needs);
  }

  /** {@link #require(String, Need...)} against a given list (pure; what the unit tests use). */
  public static NetInterface require(String name, List<NetInterface> available, Need... needs) {
    NetInterface found = available.stream().filter(i -> i.name().equals(name)).findFirst().orElseThrow(() ->
        new IllegalArgumentException("interface '" + name + "' not found; available: "
            + (available.isEmpty() ? "(none)"
                : available.stream().map(NetInterface::name).collect(Collectors.joining(", ")))));
    for (Need need : needs) {
      if (need == Need.UP) {
        if (!found.up()) {
          throw new IllegalArgumentException("interface '" + name + "' is down (ip link set " + name + " up)");
        }
        continue;
      }
      boolean ok = switch (need) {
        case IPV4 -> !found.ipv4().isEmpty();
        case IPV6_LINK_LOCAL -> found.ipv6LinkLocal().isPresent();
        case IPV6_GLOBAL -> !found.ipv6Global().isEmpty();
        case UP -> true;
      };
      if (!ok) {
        throw new IllegalArgumentException("interface '" + name + "' has no " + need.description.substring(
            need.description.indexOf(' ') + 1) + " (has: " + addresses(found) + ")");
      }
    }
    return found;
  }

  private static String addresses(NetInterface i) {
    List<String> all = new ArrayList<>();
    i.ipv4().forEach(a -> all.add(a.toString()));
    i.ipv6Global().forEach(a -> all.add(a.toString()));
    i.ipv6LinkLocal().ifPresent(a -> all.add(strip(a.getHostAddress())));
    return all.isEmpty() ? "no addresses" : String.join(", ", all);
  }

  private static NetInterface describe(NetworkInterface ni) throws SocketException {
    List<NetInterface.Ipv4Address> v4 = new ArrayList<>();
    List<NetInterface.Ipv6Address> v6 = new ArrayList<>();
    Inet6Address linkLocal = null;
    for (InterfaceAddress ia : ni.getInterfaceAddresses()) {
      if (ia.getAddress() instanceof Inet4Address a) {
        v4.add(new NetInterface.Ipv4Address(a, ia.getNetworkPrefixLength()));
      } else if (ia.getAddress() instanceof Inet6Address a) {
        if (a.isLinkLocalAddress()) {
          if (linkLocal == null) linkLocal = a;
        } else {
          v6.add(new NetInterface.Ipv6Address(a, ia.getNetworkPrefixLength()));
        }
      }
    }
    byte[] hw = ni.getHardwareAddress();
    Optional<String> mac = hw == null || hw.length == 0 ? Optional.empty() : Optional.of(NetInterface.formatMac(hw));
    return new NetInterface(ni.getName(), ni.getIndex(), mac, ni.getMTU(), ni.isUp(), v4, v6,
        Optional.ofNullable(linkLocal));
  }

  private static String strip(String host) {
    int percent = host.indexOf('%');
    return percent < 0 ? host : host.substring(0, percent);
  }
}
