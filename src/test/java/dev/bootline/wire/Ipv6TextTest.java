package dev.bootline.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Ipv6TextTest {
  @ParameterizedTest
  @CsvSource({
    "2001:db8:1:0:0:0:0:1, 2001:db8:1::1",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
    "0:0:0:0:0:0:0:0, ::",
    "0:0:0:0:0:0:0:1, ::1",
    "fe80:0:0:0:5054:ff:fe12:3456, fe80::5054:ff:fe12:3456",
    "2001:DB8:1:0:abcd:5254:12:3456, 2001:db8:1:0:abcd:5254:12:3456",
    "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
    "1:0:0:0:0:0:0:0, 1::"
  })
  void formatsLikeRfc5952(String in, String out) throws Exception {
    assertThat(Ipv6Text.format((Inet6Address) InetAddress.getByName(in))).isEqualTo(out);
  }

  @Test
  void dropsTheScope() throws Exception {
    assertThat(Ipv6Text.format((Inet6Address) InetAddress.getByName("fe80::1%1"))).isEqualTo("fe80::1");
  }
}
