/**
 * DHCPv4/BOOTP codec with the PXE options a proxy DHCP and PXE boot server need. Pure: no sockets, clocks or threads.
 *
 * <p>Decisions, so callers know what to expect:
 *
 * <ul>
 *   <li>Decoding is lossless. {@link dev.bootline.dhcp4.Dhcp4Message#decode} keeps every header byte (all 16 of
 *       chaddr, all of sname and file) and the option areas as a sequence of {@link
 *       dev.bootline.dhcp4.Dhcp4OptionItem}s (option instances, pad runs, end, bytes after end), each tagged with the
 *       area it came from; {@code encode(decode(p)) == p} for every {@code p} that decodes (fuzzed).
 *   <li>The typed view ({@link dev.bootline.dhcp4.Dhcp4Options}) concatenates all instances of a code in wire order,
 *       options field then file then sname (RFC 3396, RFC 2131 §4.1).
 *   <li>Decode errors are only {@link dev.bootline.wire.MalformedPacketException}, with reasons {@code
 *       truncated_header} (under 240 bytes), {@code bad_cookie} (plain BOOTP without the DHCP cookie is not served),
 *       {@code bad_hlen} (over 16, or Ethernet with other than 6), {@code option_overrun}, {@code bad_overload}.
 *   <li>A non-Ethernet htype decodes; {@link dev.bootline.dhcp4.Dhcp4Message#requireEthernetMac()} throws {@code
 *       not_ethernet} for a server that wants to drop it. Any op value decodes; the server checks {@code isRequest()}.
 *   <li>A missing end marker is tolerated (and re-encoded as missing). Option content that does not fit its format
 *       reads as absent from fixed-format accessors but stays in the raw bytes; option 43 parsing is strict and
 *       throws.
 *   <li>PXE option 43 must fit one 255-byte option: PXE ROMs do not reassemble split options.
 * </ul>
 */
package dev.bootline.dhcp4;
