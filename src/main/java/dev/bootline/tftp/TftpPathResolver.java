package dev.bootline.tftp;

import dev.bootline.wire.MacAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Maps a requested TFTP name to a readable regular file under a root, or refuses it with the TFTP error the client
 * gets and a counter label.
 *
 * <p>Rules (checked on the name before touching the filesystem, so a hostile name never reaches it):
 *
 * <ul>
 *   <li>Only printable ASCII (0x20..0x7e): NUL, control characters, DEL and bytes above 0x7f are refused; boot file
 *       names are ASCII and this leaves no room for encoding tricks.
 *   <li>{@code ..} anywhere in the name is refused, even inside a component ({@code a..b}): simpler to reason about
 *       than component rules, and no boot file needs it.
 *   <li>Backslashes are refused, not translated: bootline does not serve Windows loaders, and translating would make
 *       two spellings of one file (tftpd-hpa needs explicit {@code -m} rules for this too).
 *   <li>Leading slashes are stripped: firmware often asks {@code /ipxe.efi} for a DHCP file name written with one, and
 *       the name is always taken relative to the root, never as an absolute server path.
 *   <li>Empty and {@code .} components are skipped ({@code a//./b} is {@code a/b}).
 *   <li>Over 255 bytes is refused.
 *   <li>No percent-decoding: {@code %2e%2e} is a literal file name, looked up as such under the root.
 * </ul>
 *
 * Then the filesystem: the real path (all symlinks followed) must lie under the real root (a symlink inside the root
 * pointing inside the root is fine), and must be a readable regular file: directories, devices, FIFOs and sockets are
 * refused.
 *
 * <p>MAC paths: when the first component parses as a MAC address (any notation {@link MacAddress#parse} accepts) the
 * rest of the name is first offered to the {@link MacPathHandler}; if it supplies a file, that file is served (it may
 * live outside the root: it comes from configuration, not from the client). Otherwise the full name is looked up
 * under the root like any other, still tagged with the MAC.
 */
public final class TftpPathResolver {
  public static final int MAX_NAME_BYTES = 255;

  /** Supplies files for {@code <mac>/<rest>} names; bootline wires {@code (mac, rest) -> ipxeCatalog.resolve(rest)}. */
  @FunctionalInterface
  public interface MacPathHandler {
    Optional<Path> resolve(MacAddress mac, String nameAfterMac);

    MacPathHandler NONE = (mac, rest) -> Optional.empty();
  }

  private final Path realRoot;
  private final MacPathHandler macPaths;

  public TftpPathResolver(Path root, MacPathHandler macPaths) throws IOException {
    this.realRoot = root.toRealPath();
    if (!Files.isDirectory(realRoot)) {
      throw new IOException("TFTP root is not a directory: " + root);
    }
    this.macPaths = Objects.requireNonNull(macPaths);
  }

  public TftpPathResolver(Path root) throws IOException {
    this(root, MacPathHandler.NONE);
  }

  public Path root() {
    return realRoot;
  }

  public Resolution resolve(String requestedName) {
    Optional<Resolution.Refused> bad = checkName(requestedName);
    if (bad.isPresent()) {
      return bad.get();
    }
    List<String> parts = new ArrayList<>();
    for (String c : requestedName.split("/")) {
      if (!c.isEmpty() && !c.equals(".")) {
        parts.add(c);
      }
    }
    if (parts.isEmpty()) {
      return refused(TftpErrorCode.FILE_NOT_FOUND, "empty_name");
    }
    Optional<MacAddress> mac = MacAddress.parse(parts.getFirst());
    if (mac.isPresent() && parts.size() > 1) {
      String rest = String.join("/", parts.subList(1, parts.size()));
      Optional<Path> supplied = macPaths.resolve(mac.get(), rest);
      if (supplied.isPresent()) {
        return checkFile(supplied.get(), null, mac, Resolution.Kind.MAC_FILE);
      }
    }
    Path candidate = realRoot;
    for (String c : parts) {
      candidate = candidate.resolve(c);
    }
    return checkFile(candidate, realRoot, mac, Resolution.Kind.ROOT_FILE);
  }

  private static Optional<Resolution.Refused> checkName(String name) {
    if (name == null || name.isEmpty()) {
      return Optional.of(refused(TftpErrorCode.FILE_NOT_FOUND, "empty_name"));
    }
    if (name.length() > MAX_NAME_BYTES) { // ASCII-only below, so chars are bytes
      return Optional.of(refused(TftpErrorCode.ACCESS_VIOLATION, "name_too_long"));
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == 0) {
        return Optional.of(refused(TftpErrorCode.ACCESS_VIOLATION, "nul"));
      }
      if (c < 0x20 || c == 0x7f) {
        return Optional.of(refused(TftpErrorCode.ACCESS_VIOLATION, "control_character"));
      }
      if (c > 0x7f) {
        return Optional.of(refused(TftpErrorCode.ACCESS_VIOLATION, "non_ascii"));
      }
      if (c == '\\') {
        return Optional.of(refused(TftpErrorCode.ACCESS_VIOLATION, "backslash"));
      }
    }
    if (name.contains("..")) {
      return Optional.of(refused(TftpErrorCode.ACCESS_VIOLATION, "dot_dot"));
    }
    return Optional.empty();
  }

  /** {@code within} null: a configured file, no containment check. */
  private static Resolution checkFile(
      Path candidate, Path within, Optional<MacAddress> mac, Resolution.Kind kind) {
    Path real;
    try {
      real = candidate.toRealPath();
    } catch (NoSuchFileException e) {
      return refused(TftpErrorCode.FILE_NOT_FOUND, "not_found");
    } catch (IOException | SecurityException e) {
      return refused(TftpErrorCode.ACCESS_VIOLATION, "unreadable");
    }
    if (within != null && !real.startsWith(within)) {
      return refused(TftpErrorCode.ACCESS_VIOLATION, "symlink_escape");
    }
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return refused(TftpErrorCode.FILE_NOT_FOUND, "not_found");
    }
    if (attrs.isDirectory()) {
      return refused(TftpErrorCode.ACCESS_VIOLATION, "directory");
    }
    if (!attrs.isRegularFile()) {
      return refused(TftpErrorCode.ACCESS_VIOLATION, "special_file");
    }
    if (!Files.isReadable(real)) {
      return refused(TftpErrorCode.ACCESS_VIOLATION, "unreadable");
    }
    return new Resolution.Found(real, mac, kind);
  }

  private static Resolution.Refused refused(TftpErrorCode code, String reason) {
    return new Resolution.Refused(code, reason);
  }
}
