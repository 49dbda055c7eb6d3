package dev.bootline.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NativeCallExceptionTest {
  @Test
  void messageNamesCallAndErrno() {
    var e = new NativeCallException("bind(0.0.0.0:67)", 98);
    assertThat(e).hasMessage("bind(0.0.0.0:67) failed: EADDRINUSE (Address already in use)");
    assertThat(e.errno()).isEqualTo(Errno.EADDRINUSE);
  }

  @Test
  void describesKnownAndUnknownErrno() {
    assertThat(Errno.describe(19)).isEqualTo("ENODEV (No such device)");
    assertThat(Errno.describe(1)).isEqualTo("EPERM (Operation not permitted)");
    assertThat(Errno.describe(4242)).isEqualTo("errno 4242");
  }
}
