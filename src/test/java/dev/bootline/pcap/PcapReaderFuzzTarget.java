package dev.bootline.pcap;

import java.util.List;

/**
 * Jazzer target: {@link PcapReader#read} throws only {@link PcapFormatException} for any file; every frame it returns
 * lies inside the input, and {@link PcapReader#udp} never throws and returns a payload inside its frame.
 */
public final class PcapReaderFuzzTarget {
  private PcapReaderFuzzTarget() {}

  public static void fuzzerTestOneInput(byte[] data) {
    List<Frame> frames;
    try {
      frames = PcapReader.read(data);
    } catch (PcapFormatException e) {
      return;
    }
    long total = 0;
    for (Frame f : frames) {
      total += f.data().length;
      var u = PcapReader.udp(f);
      if (u.isPresent() && u.get().payload().length + 8 > f.data().length) {
        throw new AssertionError("UDP payload of " + u.get().payload().length + " bytes in a frame of " + f.data().length);
      }
    }
    if (total > data.length) {
      throw new AssertionError("frames hold " + total + " bytes from a file of " + data.length);
    }
  }
}
