package dev.bootline.net;

import java.io.IOException;

/**
 * A failed libc socket call: names the call (with the option or address it was about) and the errno, e.g.
 * {@code bind(0.0.0.0:67) failed: EADDRINUSE (Address already in use)}.
 */
public final class NativeCallException extends IOException {
  private final String call;
  private final int errno;

  public NativeCallException(String call, int errno) {
    super(call + " failed: " + Errno.describe(errno));
    this.call = call;
    this.errno = errno;
  }

  /** The call as written in the message, e.g. {@code setsockopt(SO_BINDTODEVICE, "br0")}. */
  public String call() {
    return call;
  }

  public int errno() {
    return errno;
  }
}
