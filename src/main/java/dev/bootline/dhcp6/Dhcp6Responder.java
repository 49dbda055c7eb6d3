package dev.bootline.dhcp6;

import dev.bootline.boot.Arch;
import dev.bootline.boot.Assignment;
import dev.bootline.boot.BootPlan;
import dev.bootline.boot.BootPolicy;
import dev.bootline.boot.ClientFacts;
import dev.bootline.config.BootlineConfig;
import dev.bootline.dhcp6.Dhcp6Option.BootFileUrl;
import dev.bootline.dhcp6.Dhcp6Option.ClientArch;
import dev.bootline.dhcp6.Dhcp6Option.DnsServers;
import dev.bootline.dhcp6.Dhcp6Option.DomainList;
import dev.bootline.dhcp6.Dhcp6Option.IaAddress;
import dev.bootline.dhcp6.Dhcp6Option.IaNa;
import dev.bootline.dhcp6.Dhcp6Option.IaTa;
import dev.bootline.dhcp6.Dhcp6Option.Preference;
import dev.bootline.dhcp6.Dhcp6Option.RapidCommit;
import dev.bootline.dhcp6.Dhcp6Option.ServerId;
import dev.bootline.dhcp6.Dhcp6Option.StatusCode;
import dev.bootline.dhcp6.Dhcp6Option.VendorClass;
import dev.bootline.wire.Ipv6Text;
import dev.bootline.wire.LastValue;
import dev.bootline.wire.MacAddress;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The DHCPv6 server's brain, pure: a decoded message and where it came from in, a reply and where to send it (or the
 * reason for silence) out. Addresses are derived (prefix ‖ MAC), so there is no lease state at all.
 */
public final class Dhcp6Responder {
  public static final int CLIENT_PORT = 546;
  public static final int SERVER_PORT = 547;
  static final long PREFERRED_LIFETIME = 3600;
  static final long VALID_LIFETIME = 7200;
  static final long ENTERPRISE_EFI = Dhcp6Option.ENTERPRISE_INTEL; // UEFI HTTP boot answers name enterprise 343

  /** Where a datagram arrived: the link's name, and bootline's own global address there (for tftp:// URLs). */
  public record Arrival(String interfaceName, int ifIndex, Inet6Address source, Optional<Inet6Address> serverAddress) {}

  /** What to do with one datagram. */
  public sealed interface Outcome {
    Optional<MacAddress> mac();
  }

  /**
   * Send {@code reply} to {@code to}; {@code event} (nullable) is the boot step to journal, with the derived address.
   */
  public record Answer(
      Dhcp6Message reply,
      InetSocketAddress to,
      Optional<MacAddress> mac,
      String macSource,
      Optional<Inet6Address> address,
      Optional<ClientFacts> facts,
      Optional<BootPlan> plan,
      String messageType)
      implements Outcome {}

  /** Say nothing; {@code reason} is a stable counter label. */
  public record Silent(String reason, String detail, Optional<MacAddress> mac) implements Outcome {}

  private final BootlineConfig config;
  private final BootPolicy policy;
  private final Assignment.Source assignments;
  private final MacDerivedAddress addressing;
  private final ServerId serverId;

  public Dhcp6Responder(
      BootlineConfig config, BootPolicy policy, Assignment.Source assignments, Duid serverDuid) {
    this.config = config;
    this.policy = policy;
    this.assignments = assignments;
    this.addressing =
        MacDerivedAddress.of(
            config.dhcp6().baseAddress().orElseThrow(() -> new IllegalArgumentException("dhcp6.base-address is required")));
    this.serverId = new ServerId(serverDuid);
  }

  public MacDerivedAddress addressing() {
    return addressing;
  }

  public Outcome respond(Dhcp6Message message, Arrival arrival) {
    if (message instanceof RelayMessage relay) {
      if (!relay.is(MessageType.RELAY_FORW)) {
        return new Silent("not_for_server", "a " + relay.type().map(Enum::name).orElse("?") + " is not sent to servers", Optional.empty());
      }
      if (!(relay.innermost() instanceof ClientServerMessage inner)) {
        return new Silent("relay_without_message", "Relay-Forw without a client message", Optional.empty());
      }
      Outcome o = respondToClient(inner, relay, arrival);
      if (o instanceof Answer a) {
        // Answer through the relay chain: the outermost relay gets a Relay-Repl mirroring every hop, on port 547.
        return new Answer(relay.reply(a.reply()), new InetSocketAddress(arrival.source(), SERVER_PORT),
            a.mac(), a.macSource(), a.address(), a.facts(), a.plan(), a.messageType());
      }
      return o;
    }
    return respondToClient((ClientServerMessage) message, message, arrival);
  }

  private Outcome respondToClient(ClientServerMessage msg, Dhcp6Message outer, Arrival arrival) {
    Optional<MessageType> type = msg.type();
    if (type.isEmpty()) {
      return new Silent("unknown_message_type", "message type " + msg.msgType(), Optional.empty());
    }
    MessageType t = type.get();
    switch (t) {
      case SOLICIT, REQUEST, CONFIRM, RENEW, REBIND, RELEASE, DECLINE, INFORMATION_REQUEST -> {}
      default -> {
        return new Silent("not_for_server", t + " is not sent to servers", Optional.empty());
      }
    }
    // RFC 8415 §16: validation of client messages.
    if (t != MessageType.INFORMATION_REQUEST && msg.clientId().isEmpty()) {
      return new Silent("no_client_id", t + " without Client Identifier", Optional.empty());
    }
    Optional<Duid> sid = msg.serverId();
    switch (t) {
      case SOLICIT, CONFIRM, REBIND -> {
        if (sid.isPresent()) {
          return new Silent("unexpected_server_id", t + " must not carry a Server Identifier", Optional.empty());
        }
      }
      case REQUEST, RENEW, RELEASE, DECLINE -> {
        if (sid.isEmpty() || !sid.get().equals(serverId.duid())) {
          return new Silent("other_server", t + " is for another server", Optional.empty());
        }
      }
      case INFORMATION_REQUEST -> {
        if (sid.isPresent() && !sid.get().equals(serverId.duid())) {
          return new Silent("other_server", t + " is for another server", Optional.empty());
        }
      }
      default -> {}
    }

    Optional<MacRecovery.Recovered> rec = MacRecovery.recover(outer, arrival.source());
    ClientServerMessage.Builder reply;
    boolean rapid = t == MessageType.SOLICIT && msg.has(Dhcp6Option.RAPID_COMMIT);
    MessageType replyType = t == MessageType.SOLICIT && !rapid ? MessageType.ADVERTISE : MessageType.REPLY;
    reply = ClientServerMessage.answer(msg, replyType).add(serverId);
    if (rapid) {
      reply.add(new RapidCommit());
    }

    if (rec.isEmpty()) {
      if (t == MessageType.SOLICIT || t == MessageType.REQUEST) {
        // Not silence: the client learns that we have nothing for it, and the log/counter says why.
        reply.add(StatusCode.of(StatusCode.NO_ADDRS_AVAIL,
            "no MAC address recoverable (no relay option 79, EUI-64 address or DUID-LL/LLT)"));
        return new Answer(reply.build(), destination(arrival), Optional.empty(), "none", Optional.empty(),
            Optional.empty(), Optional.empty(), t.name());
      }
      if (t != MessageType.INFORMATION_REQUEST) {
        return new Silent("no_mac", t + ": no MAC recoverable", Optional.empty());
      }
    }
    Optional<MacAddress> mac = rec.map(MacRecovery.Recovered::mac);
    String macSource = rec.map(r -> r.source().name().toLowerCase()).orElse("none");
    Optional<Inet6Address> addr = mac.map(addressing::addressOf);

    switch (t) {
      case SOLICIT, REQUEST, RENEW, REBIND -> addIas(reply, msg, t, addr.orElseThrow());
      case CONFIRM -> {
        List<IaAddress> all = new ArrayList<>();
        msg.iaNas().forEach(ia -> all.addAll(ia.addresses()));
        msg.options(IaTa.class).forEach(ia -> all.addAll(ia.addresses()));
        if (all.isEmpty()) {
          return new Silent("confirm_without_addresses", "Confirm without addresses is not answered (RFC 8415 18.3.3)", mac);
        }
        boolean onLink = all.stream().allMatch(a -> a.address().equals(addr.orElseThrow()));
        reply.add(onLink ? StatusCode.of(StatusCode.SUCCESS, "all addresses on link")
            : StatusCode.of(StatusCode.NOT_ON_LINK, "only " + Ipv6Text.format(addr.get()) + " is valid for this client"));
      }
      case RELEASE -> reply.add(StatusCode.of(StatusCode.SUCCESS, "released (nothing to free: addresses are derived)"));
      case DECLINE -> reply.add(StatusCode.of(StatusCode.SUCCESS, "decline noted"));
      default -> {}
    }

    Optional<ClientFacts> facts = Optional.empty();
    Optional<BootPlan> plan = Optional.empty();
    if (mac.isPresent() && t != MessageType.RELEASE && t != MessageType.DECLINE && t != MessageType.CONFIRM) {
      ClientFacts f = facts(msg, mac.get(), macSource, arrival);
      BootPlan p = policy.decide(f, assignments);
      if (p instanceof BootPlan.Ignore ig && ig.reason().startsWith("assignment")) {
        return new Silent("assignment_ignore", ig.reason(), mac);
      }
      facts = Optional.of(f);
      plan = Optional.of(p);
      addBootOptions(reply, msg, p, arrival);
    }
    if (t == MessageType.SOLICIT && !rapid) {
      reply.add(new Preference(config.dhcp6().preference()));
    }
    addInfoOptions(reply, msg);
    return new Answer(reply.build(), destination(arrival), mac, macSource, addr, facts, plan, t.name());
  }

  private static InetSocketAddress destination(Arrival arrival) {
    // A direct client is answered at its (link-local, scoped) source on port 546; relays are handled by the caller.
    return new InetSocketAddress(arrival.source(), CLIENT_PORT);
  }

  private void addIas(ClientServerMessage.Builder reply, ClientServerMessage msg, MessageType t, Inet6Address addr) {
    long t1 = PREFERRED_LIFETIME / 2;
    long t2 = PREFERRED_LIFETIME * 4 / 5;
    for (IaNa ia : msg.iaNas()) {
      List<Dhcp6Option> inner = new ArrayList<>();
      boolean foreign = ia.addresses().stream().anyMatch(a -> !a.address().equals(addr));
      if (foreign && t == MessageType.RENEW) {
        // RFC 8415 18.3.4: we hold no binding for that address; the client falls back to Request/Solicit.
        reply.add(IaNa.of(ia.iaid(), 0, 0, StatusCode.of(StatusCode.NO_BINDING, "this client's address is " + Ipv6Text.format(addr))));
        continue;
      }
      if (foreign && t == MessageType.REQUEST && ia.addresses().stream().anyMatch(a -> !addressing.contains(a.address()))) {
        reply.add(IaNa.of(ia.iaid(), 0, 0, StatusCode.of(StatusCode.NOT_ON_LINK, "not on this link; use " + Ipv6Text.format(addr))));
        continue;
      }
      if (foreign && t == MessageType.REBIND) {
        // RFC 8415 18.3.5: addresses not valid for the client are returned with lifetimes 0.
        ia.addresses().stream().filter(a -> !a.address().equals(addr))
            .forEach(a -> inner.add(IaAddress.of(a.address(), 0, 0)));
      }
      inner.add(IaAddress.of(addr, PREFERRED_LIFETIME, VALID_LIFETIME));
      // Every IA_NA gets the same derived address: EDK2 runs a second exchange with a new IAID.
      reply.add(IaNa.of(ia.iaid(), t1, t2, inner.toArray(Dhcp6Option[]::new)));
    }
    for (IaTa ta : msg.options(IaTa.class)) {
      reply.add(new IaTa(ta.iaid(), List.of(StatusCode.of(StatusCode.NO_ADDRS_AVAIL, "no temporary addresses"))));
    }
  }

  /** The facts a client message gives the policy (public: {@code bootline decode} derives them the same way). */
  public static ClientFacts facts(ClientServerMessage msg, MacAddress mac, String macSource, Arrival arrival) {
    // Loops rather than streams: this runs for every Solicit and Request (#8).
    Optional<String> vendor = Optional.empty();
    Optional<VendorClass> vendorClass = msg.vendorClass();
    if (vendorClass.isPresent()) {
      List<String> strings = vendorClass.get().strings();
      vendor = strings.isEmpty() ? Optional.empty() : Optional.of(strings.getFirst());
    }
    List<Integer> types = msg.clientArchTypes();
    List<Arch> archs = new ArrayList<>(types.size());
    for (int type : types) {
      archs.add(new Arch(type));
    }
    boolean ipxe = msg.userClasses().contains("iPXE");
    boolean asks = msg.oro().contains(Dhcp6Option.BOOTFILE_URL);
    return new ClientFacts(ClientFacts.Protocol.DHCP6, mac, macSource, archs, vendor, ipxe, asks,
        OptionalInt.empty(), arrival.interfaceName(), arrival.serverAddress().map(Dhcp6Responder::bracketed));
  }

  /** {@code [2001:db8::1]}, kept for the last address: the server's own, the same in every reply on a link. */
  private static final LastValue<Inet6Address, String> BRACKETED =
      new LastValue<>(a -> "[" + Ipv6Text.format(a) + "]");

  private static String bracketed(Inet6Address address) {
    return BRACKETED.get(address);
  }

  private void addBootOptions(ClientServerMessage.Builder reply, ClientServerMessage msg, BootPlan plan, Arrival arrival) {
    if (!msg.oro().contains(Dhcp6Option.BOOTFILE_URL)) {
      return; // RFC 5970: only when asked
    }
    Optional<String> url = switch (plan) {
      case BootPlan.TftpFile f -> arrival.serverAddress().map(s -> "tftp://" + bracketed(s) + "/" + f.path());
      case BootPlan.HttpUrl h -> Optional.of(h.url());
      default -> Optional.empty();
    };
    if (url.isEmpty()) {
      return;
    }
    if (plan instanceof BootPlan.HttpUrl && msg.vendorClass().map(v -> v.anyStartsWith("HTTPClient")).orElse(false)) {
      // UEFI HTTP boot only accepts an offer that names itself HTTPClient.
      reply.add(VendorClass.of(ENTERPRISE_EFI, "HTTPClient"));
    }
    reply.add(BootFileUrl.of(url.get()));
    msg.option(ClientArch.class).ifPresent(reply::add); // RFC 5970 §3.3: echoed
  }

  private void addInfoOptions(ClientServerMessage.Builder reply, ClientServerMessage msg) {
    BootlineConfig.Dhcp6 d = config.dhcp6();
    if (!d.dns().isEmpty() && msg.oro().contains(Dhcp6Option.DNS_SERVERS)) {
      reply.add(new DnsServers(d.dns()));
    }
    if (!d.domainSearch().isEmpty() && msg.oro().contains(Dhcp6Option.DOMAIN_LIST)) {
      reply.add(DomainList.of(d.domainSearch().toArray(String[]::new)));
    }
  }
}
