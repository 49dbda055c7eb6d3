package dev.bootline.tftp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReadTransferTest {
  static final long SEC = 1_000_000_000L;
  static final ReadTransfer.Settings SETTINGS = new ReadTransfer.Settings(1468, 64, Duration.ofSeconds(1), 5);

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static ReadTransfer transfer(byte[] content, TransferMode mode, TftpOption... options) {
    return new ReadTransfer(
        new TftpPacket.ReadRequest("f", mode, List.of(options)), ByteSource.of(content), SETTINGS);
  }

  static List<Integer> blocks(ReadTransfer.Step s) {
    return s.send().stream().map(p -> ((TftpPacket.Data) p).block()).toList();
  }

  static TftpOption o(String n, String v) {
    return new TftpOption(n, v);
  }

  @Test
  void plainTransferWithoutOptionsIsLockStep512() {
    byte[] content = random(1200, 1);
    var t = transfer(content, TransferMode.OCTET);
    var s = t.start(0);
    assertThat(s.send()).containsExactly(new TftpPacket.Data(1, java.util.Arrays.copyOfRange(content, 0, 512)));
    assertThat(s.deadlineNanos()).isEqualTo(SEC);
    s = t.onPacket(new TftpPacket.Ack(1), 10);
    assertThat(blocks(s)).containsExactly(2);
    s = t.onPacket(new TftpPacket.Ack(2), 20);
    assertThat(s.send()).containsExactly(new TftpPacket.Data(3, java.util.Arrays.copyOfRange(content, 1024, 1200)));
    s = t.onPacket(new TftpPacket.Ack(3), 30);
    assertThat(s.status()).isEqualTo(ReadTransfer.Status.COMPLETED);
    assertThat(s.send()).isEmpty();
    assertThat(t.bytesAcknowledged()).isEqualTo(1200);
  }

  @Test
  void windowOfFourWithALostDataBlockResumesAfterTheAcknowledgedOne() {
    byte[] content = random(1468 * 10 + 5, 2); // 11 blocks
    var t = transfer(content, TransferMode.OCTET, o("tsize", "0"), o("blksize", "1468"), o("windowsize", "4"));
    var s = t.start(0);
    assertThat(s.send())
        .containsExactly(
            new TftpPacket.OptionAck(List.of(o("tsize", "14685"), o("blksize", "1468"), o("windowsize", "4"))));
    s = t.onPacket(new TftpPacket.Ack(0), 1);
    assertThat(blocks(s)).containsExactly(1, 2, 3, 4);
    // block 2 is lost: the client got 1, then 3 out of order, and acknowledges 1 (RFC 7440 §4)
    s = t.onPacket(new TftpPacket.Ack(1), 2);
    assertThat(blocks(s)).containsExactly(2, 3, 4, 5);
    assertThat(((TftpPacket.Data) s.send().getFirst()).payload())
        .isEqualTo(java.util.Arrays.copyOfRange(content, 1468, 2 * 1468));
    // the client acknowledges the same block again when 4 arrives: nothing is resent for it
    s = t.onPacket(new TftpPacket.Ack(1), 3);
    assertThat(s.send()).isEmpty();
    s = t.onPacket(new TftpPacket.Ack(5), 4);
    assertThat(blocks(s)).containsExactly(6, 7, 8, 9);
    s = t.onPacket(new TftpPacket.Ack(9), 5);
    assertThat(blocks(s)).containsExactly(10, 11);
    assertThat(((TftpPacket.Data) s.send().getLast()).payload()).hasSize(5);
    s = t.onPacket(new TftpPacket.Ack(11), 6);
    assertThat(s.status()).isEqualTo(ReadTransfer.Status.COMPLETED);
  }

  @Test
  void duplicateAcksNeverResendAWindowSorcerersApprentice() {
    var t = transfer(random(512 * 40, 3), TransferMode.OCTET, o("windowsize", "8"));
    t.start(0);
    var s = t.onPacket(new TftpPacket.Ack(0), 0);
    assertThat(blocks(s)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    s = t.onPacket(new TftpPacket.Ack(8), 1);
    assertThat(blocks(s)).containsExactly(9, 10, 11, 12, 13, 14, 15, 16);
    int sentForDuplicates = 0;
    for (int i = 0; i < 20; i++) {
      sentForDuplicates += t.onPacket(new TftpPacket.Ack(8), 2 + i).send().size();
      sentForDuplicates += t.onPacket(new TftpPacket.Ack(0), 2 + i).send().size(); // stale OACK ack
    }
    assertThat(sentForDuplicates).isZero();
    // a real timeout still resends from the first unacknowledged block
    s = t.onTimer(1 + SEC);
    assertThat(blocks(s)).containsExactly(9, 10, 11, 12, 13, 14, 15, 16);
  }

  @Test
  void ackForAnEarlierBlockOfTheWindowAndTimeoutsResendFromTheLastAcknowledged() {
    var t = transfer(random(512 * 10, 4), TransferMode.OCTET, o("windowsize", "4"));
    t.start(0);
    t.onPacket(new TftpPacket.Ack(0), 0);
    var s = t.onPacket(new TftpPacket.Ack(3), 1); // 4 lost
    assertThat(blocks(s)).containsExactly(4, 5, 6, 7);
    assertThat(s.deadlineNanos()).isEqualTo(1 + SEC);
    assertThat(t.onTimer(SEC).send()).as("early wake-up").isEmpty();
    s = t.onTimer(1 + SEC); // all of 4..7 lost
    assertThat(blocks(s)).containsExactly(4, 5, 6, 7);
    assertThat(s.deadlineNanos()).isEqualTo(1 + 2 * SEC);
  }

  @Test
  void blockNumbersWrapPast65535() {
    int blksize = 8;
    byte[] content = random(65536 * blksize + 100, 5); // 65549 full blocks + a short one
    var t = transfer(content, TransferMode.OCTET, o("blksize", "8"), o("windowsize", "16"));
    var s = t.start(0);
    assertThat(s.send()).containsExactly(new TftpPacket.OptionAck(List.of(o("blksize", "8"), o("windowsize", "16"))));
    s = t.onPacket(new TftpPacket.Ack(0), 0);
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    List<Integer> numbersAroundWrap = new ArrayList<>();
    long absolute = 0;
    int acks = 0;
    while (!s.finished()) {
      int last = -1;
      for (TftpPacket p : s.send()) {
        var d = (TftpPacket.Data) p;
        absolute++;
        assertThat(d.block()).isEqualTo((int) (absolute & 0xffff));
        if (absolute >= 65534 && absolute <= 65538) {
          numbersAroundWrap.add(d.block());
        }
        received.writeBytes(d.payload());
        last = d.block();
      }
      s = t.onPacket(new TftpPacket.Ack(last), ++acks);
    }
    assertThat(s.status()).isEqualTo(ReadTransfer.Status.COMPLETED);
    assertThat(numbersAroundWrap).containsExactly(65534, 65535, 0, 1, 2);
    assertThat(received.toByteArray()).isEqualTo(content);
  }

  @Test
  void ackAfterWrapWithALossStillMapsToTheRightBlock() {
    byte[] content = random(70000 * 8, 6);
    var t = transfer(content, TransferMode.OCTET, o("blksize", "8"), o("windowsize", "4"));
    t.start(0);
    var s = t.onPacket(new TftpPacket.Ack(0), 0);
    int last = 4;
    while (last <= 65532) {
      s = t.onPacket(new TftpPacket.Ack(last), 0);
      last += 4;
    }
    assertThat(blocks(s)).containsExactly(65533, 65534, 65535, 0);
    s = t.onPacket(new TftpPacket.Ack(65535), 1); // block "0" (65536) lost
    assertThat(blocks(s)).containsExactly(0, 1, 2, 3);
    assertThat(((TftpPacket.Data) s.send().getFirst()).payload())
        .isEqualTo(java.util.Arrays.copyOfRange(content, 65535 * 8, 65536 * 8));
  }

  @Test
  void sizeMultipleOfBlockSizeEndsWithAZeroLengthBlock() {
    var t = transfer(random(1024, 7), TransferMode.OCTET, o("windowsize", "4"));
    t.start(0);
    var s = t.onPacket(new TftpPacket.Ack(0), 0);
    assertThat(blocks(s)).containsExactly(1, 2, 3);
    assertThat(((TftpPacket.Data) s.send().get(2)).payload()).isEmpty();
    assertThat(t.onPacket(new TftpPacket.Ack(2), 1).send()).extracting(p -> ((TftpPacket.Data) p).block())
        .containsExactly(3);
    assertThat(t.onPacket(new TftpPacket.Ack(3), 2).status()).isEqualTo(ReadTransfer.Status.COMPLETED);
  }

  @Test
  void emptyFileIsOneEmptyBlock() {
    var t = transfer(new byte[0], TransferMode.OCTET);
    assertThat(t.start(0).send()).containsExactly(new TftpPacket.Data(1, new byte[0]));
    assertThat(t.onPacket(new TftpPacket.Ack(1), 1).status()).isEqualTo(ReadTransfer.Status.COMPLETED);
  }

  @Test
  void ovmfDecliningAfterTsizeEndsCleanly() {
    var t = transfer(random(3000, 8), TransferMode.OCTET, o("tsize", "0"), o("blksize", "1468"));
    assertThat(t.start(0).send()).containsExactly(new TftpPacket.OptionAck(List.of(o("tsize", "3000"), o("blksize", "1468"))));
    var s = t.onPacket(new TftpPacket.Error(8, "User aborted the transfer"), 1);
    assertThat(s.status()).isEqualTo(ReadTransfer.Status.DECLINED);
    assertThat(s.send()).isEmpty();
  }

  @Test
  void otherClientErrorsFailTheTransfer() {
    var t = transfer(random(3000, 9), TransferMode.OCTET, o("tsize", "0"));
    t.start(0);
    var s = t.onPacket(new TftpPacket.Error(0, "no"), 1);
    assertThat(s.status()).isEqualTo(ReadTransfer.Status.FAILED);
    assertThat(s.reason()).isEqualTo("client_error_0");
    var t2 = transfer(random(3000, 9), TransferMode.OCTET);
    t2.start(0);
    var s2 = t2.onPacket(new TftpPacket.Error(8, "late"), 1);
    assertThat(s2.status()).as("ERROR 8 during data is not a decline").isEqualTo(ReadTransfer.Status.FAILED);
    assertThat(s2.reason()).isEqualTo("client_error_8");
  }

  @Test
  void givesUpAfterMaxRetriesWithAReason() {
    var t = transfer(random(3000, 10), TransferMode.OCTET, o("blksize", "1024"));
    var s = t.start(0);
    int resends = 0;
    long now = 0;
    while (!s.finished()) {
      now = s.deadlineNanos();
      s = t.onTimer(now);
      if (!s.finished()) {
        assertThat(s.send()).containsExactly(new TftpPacket.OptionAck(List.of(o("blksize", "1024"))));
        resends++;
      }
    }
    assertThat(resends).isEqualTo(5);
    assertThat(s.status()).isEqualTo(ReadTransfer.Status.FAILED);
    assertThat(s.reason()).isEqualTo("retries_exhausted");
  }

  @Test
  void progressResetsTheRetryCount() {
    var t = transfer(random(512 * 20, 11), TransferMode.OCTET);
    var s = t.start(0);
    for (int block = 1; block <= 20; block++) {
      for (int i = 0; i < 4; i++) {
        s = t.onTimer(s.deadlineNanos());
        assertThat(blocks(s)).containsExactly(block);
      }
      s = t.onPacket(new TftpPacket.Ack(block), s.deadlineNanos() - 1);
    }
    assertThat(blocks(s)).containsExactly(21);
  }

  @Test
  void negotiatedTimeoutDrivesTheDeadline() {
    var t = transfer(random(100, 12), TransferMode.OCTET, o("timeout", "3"));
    assertThat(t.start(5).deadlineNanos()).isEqualTo(5 + 3 * SEC);
  }

  @Test
  void unexpectedPacketTypeEndsWithIllegalOperation() {
    var t = transfer(random(100, 13), TransferMode.OCTET);
    t.start(0);
    var s = t.onPacket(new TftpPacket.Data(1, new byte[1]), 1);
    assertThat(s.status()).isEqualTo(ReadTransfer.Status.FAILED);
    assertThat(s.send()).containsExactly(new TftpPacket.Error(TftpErrorCode.ILLEGAL_OPERATION, "expected an ACK"));
  }

  // ---- netascii ----

  static byte[] receiveAll(ReadTransfer t, boolean loseEveryThirdWindow) {
    var s = t.start(0);
    if (t.negotiated().sendsOack()) {
      s = t.onPacket(new TftpPacket.Ack(0), 0);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int expected = 1;
    int round = 0;
    while (!s.finished()) {
      round++;
      if (loseEveryThirdWindow && round % 3 == 0) {
        s = t.onTimer(s.deadlineNanos()); // the whole window vanished
        continue;
      }
      int last = expected - 1;
      for (TftpPacket p : s.send()) {
        var d = (TftpPacket.Data) p;
        if (d.block() == (expected & 0xffff)) {
          out.writeBytes(d.payload());
          last = d.block();
          expected++;
        }
      }
      s = t.onPacket(new TftpPacket.Ack(last & 0xffff), 0);
    }
    assertThat(s.status()).isEqualTo(ReadTransfer.Status.COMPLETED);
    return out.toByteArray();
  }

  @Test
  void netasciiConvertsLineEndsOnTheFly() {
    byte[] text = "one\ntwo\r\nthree\rfour\n\n".getBytes(StandardCharsets.US_ASCII);
    var t = transfer(text, TransferMode.NETASCII, o("tsize", "0"));
    assertThat(receiveAll(t, false))
        .isEqualTo("one\r\ntwo\r\0\r\nthree\r\0four\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(t.negotiated().transferSize()).hasValue(27);
  }

  @Test
  void netasciiPairsSplitAcrossBlocksAndRetransmissionsMatchAOneShotConversion() {
    byte[] text = new byte[5000];
    Random r = new Random(14);
    for (int i = 0; i < text.length; i++) {
      int k = r.nextInt(6);
      text[i] = (byte) (k == 0 ? '\n' : k == 1 ? '\r' : 'a' + r.nextInt(26));
    }
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    for (byte b : text) {
      if (b == '\n') {
        expected.write('\r');
        expected.write('\n');
      } else if (b == '\r') {
        expected.write('\r');
        expected.write(0);
      } else {
        expected.write(b);
      }
    }
    for (int blksize : new int[] {8, 9, 512}) {
      var t = transfer(text, TransferMode.NETASCII, o("blksize", "" + blksize), o("windowsize", "3"));
      assertThat(receiveAll(t, true)).as("blksize " + blksize).isEqualTo(expected.toByteArray());
    }
  }
}
