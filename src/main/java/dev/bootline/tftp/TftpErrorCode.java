package dev.bootline.tftp;

/** RFC 1350 / RFC 2347 error codes. */
public enum TftpErrorCode {
  NOT_DEFINED(0),
  FILE_NOT_FOUND(1),
  ACCESS_VIOLATION(2),
  DISK_FULL(3),
  ILLEGAL_OPERATION(4),
  UNKNOWN_TRANSFER_ID(5),
  FILE_EXISTS(6),
  NO_SUCH_USER(7),
  /** RFC 2347: the client declines the options in an OACK (OVMF sends this after it learned tsize). */
  OPTIONS_REFUSED(8);

  public final int code;

  TftpErrorCode(int code) {
    this.code = code;
  }
}
