package dev.bootline.tftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bootline.wire.Hex;
import dev.bootline.wire.MalformedPacketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TftpCodecTest {

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void decodesOvmfReadRequestWithOptionsInOrder() throws Exception {
    byte[] wire = bytes("\0\1ipxe.efi\0octet\0tsize\0" + "0\0blksize\0" + "1468\0windowsize\0" + "4\0");
    TftpPacket p = TftpCodec.decode(wire);
    assertThat(p)
        .isEqualTo(
            new TftpPacket.ReadRequest(
                "ipxe.efi",
                TransferMode.OCTET,
                List.of(
                    new TftpOption("tsize", "0"),
                    new TftpOption("blksize", "1468"),
                    new TftpOption("windowsize", "4"))));
    assertThat(TftpCodec.encode(p)).isEqualTo(wire);
  }

  @Test
  void modeAndOptionNamesAreCaseInsensitive() throws Exception {
    var p = (TftpPacket.ReadRequest) TftpCodec.decode(bytes("\0\1F\0NetASCII\0BLKSIZE\0" + "1024\0"));
    assertThat(p.mode()).isEqualTo(TransferMode.NETASCII);
    assertThat(p.options().getFirst().is("blksize")).isTrue();
  }

  @Test
  void writeRequestDataAckErrorOackRoundTrip() throws Exception {
    List<TftpPacket> packets =
        List.of(
            new TftpPacket.WriteRequest("up.bin", TransferMode.OCTET, List.of()),
            new TftpPacket.Data(65535, new byte[] {1, 2, 3}),
            new TftpPacket.Data(0, new byte[0]),
            new TftpPacket.Ack(0),
            new TftpPacket.Ack(65535),
            new TftpPacket.Error(TftpErrorCode.OPTIONS_REFUSED, "User aborted the transfer"),
            new TftpPacket.Error(1, ""),
            new TftpPacket.OptionAck(List.of(new TftpOption("tsize", "3145728"), new TftpOption("blksize", "1468"))),
            new TftpPacket.OptionAck(List.of()));
    for (TftpPacket p : packets) {
      assertThat(TftpCodec.decode(TftpCodec.encode(p))).as(p.toString()).isEqualTo(p);
    }
  }

  @Test
  void exactWireBytes() {
    assertThat(Hex.encode(TftpCodec.encode(new TftpPacket.Ack(0x1234)))).isEqualTo("00041234");
    assertThat(Hex.encode(TftpCodec.encode(new TftpPacket.Data(1, new byte[] {(byte) 0xab}))))
        .isEqualTo("00030001ab");
    assertThat(Hex.encode(TftpCodec.encode(new TftpPacket.Error(TftpErrorCode.ACCESS_VIOLATION, "ro"))))
        .isEqualTo("00050002726f00");
    assertThat(TftpCodec.encode(new TftpPacket.OptionAck(List.of(new TftpOption("tsize", "7")))))
        .isEqualTo(bytes("\0\6tsize\0" + "7\0"));
  }

  @Test
  void tolerantOfPaddingAndUnterminatedErrorMessage() throws Exception {
    assertThat(TftpCodec.decode(bytes("\0\1f\0octet\0\0\0\0")))
        .isEqualTo(new TftpPacket.ReadRequest("f", TransferMode.OCTET, List.of()));
    assertThat(TftpCodec.decode(bytes("\0\4\0\7extra"))).isEqualTo(new TftpPacket.Ack(7));
    assertThat(TftpCodec.decode(bytes("\0\5\0\10abort"))).isEqualTo(new TftpPacket.Error(8, "abort"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''|truncated",
        "00|truncated",
        "0001|truncated",
        "000166|no_terminator",
        "00016600|truncated",
        "0001660061|no_terminator",
        "000166006d61696c00|bad_mode",
        "0001660062696e61727900|bad_mode",
        "00016600" + "6f6374657400" + "74|no_terminator",
        "00016600" + "6f6374657400" + "7400|bad_option",
        "00016600" + "6f6374657400" + "740031|no_terminator",
        "00016600" + "6f6374657400" + "003100|bad_option",
        "0003|truncated",
        "000300|truncated",
        "0004|truncated",
        "0005ff|truncated",
        "0007|bad_opcode",
        "0000|bad_opcode",
        "ffff0000|bad_opcode",
        "0006610062|no_terminator",
      })
  void rejectsBadInputWithAReason(String hex, String reason) {
    byte[] in = Hex.decode(hex);
    assertThatThrownBy(() -> TftpCodec.decode(in))
        .isInstanceOf(MalformedPacketException.class)
        .extracting(e -> ((MalformedPacketException) e).reason())
        .isEqualTo(reason);
  }

  @Test
  void refusesToEncodeWhatCannotBeRepresented() {
    assertThatThrownBy(() -> TftpCodec.encode(new TftpPacket.ReadRequest("a\0b", TransferMode.OCTET, List.of())))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TftpCodec.encode(new TftpPacket.Error(0, "snow ☃")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TftpPacket.Ack(65536)).isInstanceOf(IllegalArgumentException.class);
  }
}
