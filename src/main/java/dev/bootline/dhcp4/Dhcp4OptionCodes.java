package dev.bootline.dhcp4;

/** Option codes this codec gives typed access to. */
public final class Dhcp4OptionCodes {
  private Dhcp4OptionCodes() {}

  public static final int PAD = 0;
  public static final int HOST_NAME = 12;
  public static final int VENDOR_SPECIFIC = 43;
  public static final int REQUESTED_IP = 50;
  public static final int OVERLOAD = 52;
  public static final int MESSAGE_TYPE = 53;
  public static final int SERVER_IDENTIFIER = 54;
  public static final int PARAMETER_REQUEST_LIST = 55;
  public static final int MAX_MESSAGE_SIZE = 57;
  public static final int VENDOR_CLASS_IDENTIFIER = 60;
  public static final int CLIENT_IDENTIFIER = 61;
  public static final int TFTP_SERVER_NAME = 66;
  public static final int BOOTFILE_NAME = 67;
  public static final int USER_CLASS = 77;
  public static final int RELAY_AGENT_INFORMATION = 82;
  public static final int CLIENT_SYSTEM_ARCHITECTURE = 93;
  public static final int CLIENT_NETWORK_DEVICE_INTERFACE = 94;
  public static final int CLIENT_MACHINE_IDENTIFIER = 97;
  public static final int IPXE_ENCAPSULATED = 175;
  public static final int END = 255;
}
