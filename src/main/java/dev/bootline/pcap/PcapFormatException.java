package dev.bootline.pcap;

/** The capture file's structure is unreadable (bad magic, a block or record running past the end, ...). */
public final class PcapFormatException extends Exception {
  public PcapFormatException(String message) {
    super(message);
  }
}
