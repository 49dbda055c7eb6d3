package dev.bootline.events;

import java.util.Set;

/**
 * Event names. The dhcpv6macd names are kept verbatim so its SSE consumers keep working (design §4); servers may
 * record other names too. {@link #STAGES} are the names that move a machine's "current stage"; the rest (fetches,
 * journal notices) are details of a stage.
 */
public final class EventNames {
  public static final String INIT = "init";
  public static final String FIRMWARE_INIT = "firmware_init";
  public static final String POINT_PXE_TO_IPXE_OVER_TFTP = "point_pxe_to_ipxe_over_tftp";
  public static final String SERVE_IPXE_OVER_TFTP = "serve_ipxe_over_tftp";
  /** dhcpv6macd's older spelling; accepted as a stage, not emitted by bootline. */
  public static final String SERVED_IPXE_OVER_TFTP = "served_ipxe_over_tftp";
  public static final String POINT_IPXE_TO_HTTP_BOOT = "point_ipxe_to_http_boot";
  public static final String HTTP_BOOT = "http_boot";
  public static final String HTTP_FETCH_UKI = "http_fetch_uki";
  public static final String OS_INIT = "os_init";
  public static final String JUMP_TO = "jump_to";
  public static final String PXE_MENU_SHOWN = "pxe_menu_shown";
  public static final String PXE_MENU_CHOICE = "pxe_menu_choice";
  public static final String HTTP_FETCH = "http_fetch";
  public static final String TFTP_FETCH = "tftp_fetch";

  /** Written by the log itself when {@link EventLog#record} had to give up on events; detail {@code count}. */
  public static final String EVENTS_DROPPED = "events_dropped";

  public static final Set<String> STAGES =
      Set.of(
          INIT,
          FIRMWARE_INIT,
          POINT_PXE_TO_IPXE_OVER_TFTP,
          SERVE_IPXE_OVER_TFTP,
          SERVED_IPXE_OVER_TFTP,
          POINT_IPXE_TO_HTTP_BOOT,
          HTTP_BOOT,
          HTTP_FETCH_UKI,
          OS_INIT,
          JUMP_TO,
          PXE_MENU_SHOWN,
          PXE_MENU_CHOICE);

  private EventNames() {}
}
