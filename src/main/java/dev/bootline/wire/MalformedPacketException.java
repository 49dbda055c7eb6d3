package dev.bootline.wire;

/**
 * A codec's own parse error: the input is not a well-formed packet. Every decoder throws only this for bad input, so a
 * listener can drop the datagram, count it under {@link #reason()} and carry on.
 */
public final class MalformedPacketException extends Exception {
  private final String reason;

  /**
   * @param reason short stable counter label, e.g. {@code truncated_header}, {@code option_overrun}
   * @param message human-readable detail for the debug log
   */
  public MalformedPacketException(String reason, String message) {
    super(message, null, false, false); // no stack trace: these are expected on a hostile network
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
