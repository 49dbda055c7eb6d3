package dev.bootline.dhcp4;

/** Option 94, client network device interface: type (1 = UNDI) and version, e.g. UNDI 2.1 or 3.16. */
public record ClientNdi(int type, int major, int minor) {}
