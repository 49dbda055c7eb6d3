package dev.bootline.tftp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OptionNegotiationTest {
  static TftpOption o(String n, String v) {
    return new TftpOption(n, v);
  }

  @Test
  void ovmfOverIpv4GetsEverythingItAskedInItsOrder() {
    var r =
        OptionNegotiation.negotiate(
            List.of(o("tsize", "0"), o("blksize", "1468"), o("windowsize", "4")), 1_048_576, 1468, 64);
    assertThat(r.acknowledged())
        .containsExactly(o("tsize", "1048576"), o("blksize", "1468"), o("windowsize", "4"));
    assertThat(r.blockSize()).isEqualTo(1468);
    assertThat(r.windowSize()).isEqualTo(4);
    assertThat(r.transferSize()).hasValue(1_048_576);
  }

  @Test
  void maxBlockSizeForMtuLeavesRoomForAllHeaders() {
    assertThat(OptionNegotiation.maxBlockSizeForMtu(1500, false)).isEqualTo(1468);
    assertThat(OptionNegotiation.maxBlockSizeForMtu(1500, true)).isEqualTo(1448);
  }

  @Test
  void blksizeIsClampedToTheCallersMaxAndTheRfcRange() {
    assertThat(OptionNegotiation.negotiate(List.of(o("blksize", "65464")), 0, 1448, 64).acknowledged())
        .containsExactly(o("blksize", "1448"));
    assertThat(OptionNegotiation.negotiate(List.of(o("blksize", "99999")), 0, 100_000, 64).blockSize())
        .isEqualTo(65464);
    assertThat(OptionNegotiation.negotiate(List.of(o("blksize", "8")), 0, 1468, 64).blockSize()).isEqualTo(8);
    // below 8 or not a number: not acknowledged, RFC 1350 default stays
    for (String bad : List.of("7", "0", "-1", "", "1e3", " 512", "99999999999999999999")) {
      var r = OptionNegotiation.negotiate(List.of(o("blksize", bad)), 0, 1468, 64);
      assertThat(r.acknowledged()).as(bad).isEmpty();
      assertThat(r.blockSize()).isEqualTo(512);
    }
  }

  @Test
  void timeoutAndWindowsizeRanges() {
    var r = OptionNegotiation.negotiate(List.of(o("timeout", "255"), o("windowsize", "65535")), 0, 1468, 64);
    assertThat(r.acknowledged()).containsExactly(o("timeout", "255"), o("windowsize", "64"));
    assertThat(r.timeoutSeconds()).hasValue(255);
    assertThat(r.windowSize()).isEqualTo(64);
    var bad = OptionNegotiation.negotiate(List.of(o("timeout", "0"), o("timeout", "256"), o("windowsize", "0")), 0, 1468, 64);
    assertThat(bad.acknowledged()).isEmpty();
    assertThat(bad.windowSize()).isEqualTo(1);
    assertThat(OptionNegotiation.negotiate(List.of(o("timeout", "256")), 0, 1468, 64).acknowledged()).isEmpty();
  }

  @Test
  void onlyOptionsTheClientSentAreAnsweredUnknownIgnoredNamesCaseInsensitive() {
    var r =
        OptionNegotiation.negotiate(
            List.of(o("multicast", ""), o("BLKSIZE", "1024"), o("rollover", "0"), o("blksize", "8")), 5, 1468, 64);
    assertThat(r.acknowledged()).containsExactly(o("BLKSIZE", "1024")); // client's spelling, first one wins
    assertThat(r.blockSize()).isEqualTo(1024);
    assertThat(OptionNegotiation.negotiate(List.of(), 5, 1468, 64).sendsOack()).isFalse();
    assertThat(OptionNegotiation.negotiate(List.of(o("tsize", "0")), -1, 1468, 64).sendsOack())
        .as("unknown size: tsize not answered")
        .isFalse();
  }
}
