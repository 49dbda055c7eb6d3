package dev.bootline.dhcp4;

/**
 * Where an option item was found: the options field proper, or the {@code file} / {@code sname} header fields when
 * option 52 (overload) says they carry options too. RFC 2131 §4.1 processing order is OPTIONS, FILE, SNAME.
 */
public enum Dhcp4OptionArea {
  OPTIONS,
  FILE,
  SNAME
}
