package dev.bootline.tftp;

import dev.bootline.wire.MacAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/** What a requested TFTP name maps to. */
public sealed interface Resolution {

  /** Where a found file came from. */
  enum Kind {
    /** A file under the TFTP root. */
    ROOT_FILE,
    /** A file the MAC-path hook supplied for {@code <mac>/<name>} (e.g. the iPXE binary for that machine). */
    MAC_FILE
  }

  /**
   * @param path the real path of a readable regular file
   * @param mac the machine, when the name's first component is a MAC address
   */
  record Found(Path path, Optional<MacAddress> mac, Kind kind) implements Resolution {
    public Found {
      Objects.requireNonNull(path);
      Objects.requireNonNull(mac);
      Objects.requireNonNull(kind);
    }
  }

  /**
   * @param errorCode what the client is told (1 file not found, 2 access violation)
   * @param reason stable counter label, e.g. {@code dot_dot}, {@code symlink_escape}
   */
  record Refused(TftpErrorCode errorCode, String reason) implements Resolution {
    public Refused {
      Objects.requireNonNull(errorCode);
      Objects.requireNonNull(reason);
    }

    /** The ERROR packet's text: the reason only, never a server path. */
    public String message() {
      return errorCode == TftpErrorCode.FILE_NOT_FOUND ? "file not found" : "access violation (" + reason + ")";
    }
  }
}
