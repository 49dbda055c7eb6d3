/**
 * DHCPv6 codec (RFC 8415, 5970 boot options, 6939 client link-layer address, 4704 FQDN): pure, no I/O, fuzzed.
 *
 * <ul>
 *   <li>{@link dev.bootline.dhcp6.Dhcp6Codec#decode(byte[])} gives a {@link dev.bootline.dhcp6.Dhcp6Message}: a
 *       {@link dev.bootline.dhcp6.ClientServerMessage} or a {@link dev.bootline.dhcp6.RelayMessage} (nested at most 32
 *       deep); it throws only {@link dev.bootline.wire.MalformedPacketException}. Options are the typed records of
 *       {@link dev.bootline.dhcp6.Dhcp6Option} (unknown ones raw), in wire order, so re-encoding is byte-identical.
 *   <li>Accessors for a server: {@code msg.option(ClientId.class)}, {@code clientId()}, {@code oro().contains(59)},
 *       {@code userClasses()}, {@code vendorClass()}, {@code clientArchTypes()}, {@code iaNas()};
 *       {@link dev.bootline.dhcp6.RelayMessage#innermost()} for relayed requests.
 *   <li>Answers: {@link dev.bootline.dhcp6.ClientServerMessage#answer} / {@code builder}, and
 *       {@link dev.bootline.dhcp6.RelayMessage#reply} to wrap an answer in a Relay-Repl mirroring every hop.
 *   <li>{@link dev.bootline.dhcp6.MacRecovery}: MAC from option 79, EUI-64 addresses and DUID-LL/LLT, in order.
 * </ul>
 */
package dev.bootline.dhcp6;
