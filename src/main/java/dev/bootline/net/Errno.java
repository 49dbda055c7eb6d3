package dev.bootline.net;

import java.util.Map;

/**
 * Linux errno values the socket code can meet, with their symbolic name and the usual strerror text. A table rather
 * than a call to strerror(3): it is pure, thread-safe and the text does not depend on the C locale.
 */
public final class Errno {
  private Errno() {}

  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int EINTR = 4;
  public static final int EBADF = 9;
  public static final int EAGAIN = 11;
  public static final int ENOMEM = 12;
  public static final int EACCES = 13;
  public static final int EFAULT = 14;
  public static final int ENODEV = 19;
  public static final int EINVAL = 22;
  public static final int EMFILE = 24;
  public static final int ENOTSOCK = 88;
  public static final int EMSGSIZE = 90;
  public static final int ENOPROTOOPT = 92;
  public static final int EPROTONOSUPPORT = 93;
  public static final int EOPNOTSUPP = 95;
  public static final int EAFNOSUPPORT = 97;
  public static final int EADDRINUSE = 98;
  public static final int EADDRNOTAVAIL = 99;
  public static final int ENETDOWN = 100;
  public static final int ENETUNREACH = 101;
  public static final int ENOBUFS = 105;
  public static final int ENOTCONN = 107;
  public static final int ECONNREFUSED = 111;
  public static final int EHOSTUNREACH = 113;

  private record Entry(String name, String text) {}

  private static final Map<Integer, Entry> TABLE =
      Map.ofEntries(
          Map.entry(EPERM, new Entry("EPERM", "Operation not permitted")),
          Map.entry(ENOENT, new Entry("ENOENT", "No such file or directory")),
          Map.entry(EINTR, new Entry("EINTR", "Interrupted system call")),
          Map.entry(EBADF, new Entry("EBADF", "Bad file descriptor")),
          Map.entry(EAGAIN, new Entry("EAGAIN", "Resource temporarily unavailable")),
          Map.entry(ENOMEM, new Entry("ENOMEM", "Cannot allocate memory")),
          Map.entry(EACCES, new Entry("EACCES", "Permission denied")),
          Map.entry(EFAULT, new Entry("EFAULT", "Bad address")),
          Map.entry(ENODEV, new Entry("ENODEV", "No such device")),
          Map.entry(EINVAL, new Entry("EINVAL", "Invalid argument")),
          Map.entry(EMFILE, new Entry("EMFILE", "Too many open files")),
          Map.entry(ENOTSOCK, new Entry("ENOTSOCK", "Socket operation on non-socket")),
          Map.entry(EMSGSIZE, new Entry("EMSGSIZE", "Message too long")),
          Map.entry(ENOPROTOOPT, new Entry("ENOPROTOOPT", "Protocol not available")),
          Map.entry(EPROTONOSUPPORT, new Entry("EPROTONOSUPPORT", "Protocol not supported")),
          Map.entry(EOPNOTSUPP, new Entry("EOPNOTSUPP", "Operation not supported")),
          Map.entry(EAFNOSUPPORT, new Entry("EAFNOSUPPORT", "Address family not supported by protocol")),
          Map.entry(EADDRINUSE, new Entry("EADDRINUSE", "Address already in use")),
          Map.entry(EADDRNOTAVAIL, new Entry("EADDRNOTAVAIL", "Cannot assign requested address")),
          Map.entry(ENETDOWN, new Entry("ENETDOWN", "Network is down")),
          Map.entry(ENETUNREACH, new Entry("ENETUNREACH", "Network is unreachable")),
          Map.entry(ENOBUFS, new Entry("ENOBUFS", "No buffer space available")),
          Map.entry(ENOTCONN, new Entry("ENOTCONN", "Transport endpoint is not connected")),
          Map.entry(ECONNREFUSED, new Entry("ECONNREFUSED", "Connection refused")),
          Map.entry(EHOSTUNREACH, new Entry("EHOSTUNREACH", "No route to host")));

  /** {@code "EADDRINUSE (Address already in use)"}; unknown values as {@code "errno 200"}. */
  public static String describe(int errno) {
    Entry e = TABLE.get(errno);
    return e == null ? "errno " + errno : e.name() + " (" + e.text() + ")";
  }
}
