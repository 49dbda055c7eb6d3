package dev.bootline.pcap;

import java.util.Arrays;

/**
 * One captured frame as stored: {@code number} counts from 1 like Wireshark's frame numbers, {@code timeNanos} is
 * since the epoch, {@code linkType} the LINKTYPE_ value of its interface, {@code data} the captured bytes (maybe
 * shorter than {@code originalLength}).
 */
public record Frame(int number, long timeNanos, int linkType, int originalLength, byte[] data) {
  public Frame {
    data = data.clone();
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  int length() {
    return data.length;
  }

  byte[] raw() {
    return data; // package-private, no copy: the dissector only reads
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Frame f && f.number == number && f.timeNanos == timeNanos && f.linkType == linkType
        && f.originalLength == originalLength && Arrays.equals(f.data, data);
  }

  @Override
  public int hashCode() {
    return number * 31 + Arrays.hashCode(data);
  }
}
