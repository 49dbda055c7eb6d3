package dev.bootline.tftp;

import dev.bootline.wire.MacAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * What the daemon journals. Called on the transfer's own thread; implementations must be quick and thread-safe and
 * must not throw (an exception is logged and ignored).
 */
public interface TftpEvents {

  record TransferStarted(
      String requestedName,
      Path file,
      InetSocketAddress client,
      Optional<MacAddress> mac,
      long size,
      int blockSize,
      int windowSize) {}

  record TransferCompleted(
      String requestedName, InetSocketAddress client, Optional<MacAddress> mac, long bytes, Duration duration) {}

  /** The client stopped after the option answer with ERROR 8 (OVMF does so after learning tsize, then reads again). */
  record TransferDeclined(String requestedName, InetSocketAddress client, Optional<MacAddress> mac) {}

  record TransferFailed(
      String requestedName,
      InetSocketAddress client,
      Optional<MacAddress> mac,
      String reason,
      long bytes,
      Duration duration) {}

  /**
   * A running transfer's progress, at most once per {@link TftpServer#PROGRESS_EVERY} (a fast transfer has none, a slow
   * one over a lossy link shows it is still moving); never after its end.
   */
  record TransferProgress(
      String requestedName, InetSocketAddress client, Optional<MacAddress> mac, long bytes, long size) {}

  /** A request answered with an ERROR before any transfer started. */
  record RequestRefused(String requestedName, InetSocketAddress client, TftpErrorCode errorCode, String reason) {}

  default void transferStarted(TransferStarted e) {}

  default void transferProgress(TransferProgress e) {}

  default void transferCompleted(TransferCompleted e) {}

  default void transferDeclined(TransferDeclined e) {}

  default void transferFailed(TransferFailed e) {}

  default void requestRefused(RequestRefused e) {}

  TftpEvents NONE = new TftpEvents() {};
}
