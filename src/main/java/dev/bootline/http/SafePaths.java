package dev.bootline.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Maps a URL path remainder to a regular file inside a root, refusing anything that could leave it. */
final class SafePaths {
  private SafePaths() {}

  /**
   * @param root the directory files must stay in (its real path is compared, so a symlinked root works)
   * @param rest the already percent-decoded remainder of the URL path, e.g. {@code boot.ipxe} or {@code a/b.img}
   */
  static Optional<Path> resolve(Path root, String rest) {
    if (rest.isEmpty() || rest.length() > 1024 || rest.startsWith("/")) {
      return Optional.empty();
    }
    for (int i = 0; i < rest.length(); i++) {
      char c = rest.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\\' || c == '%') { // '%' here means double encoding: refuse
        return Optional.empty();
      }
    }
    for (String seg : rest.split("/", -1)) {
      if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
        return Optional.empty();
      }
    }
    try {
      Path realRoot = root.toRealPath();
      Path candidate = realRoot.resolve(rest).normalize();
      if (!candidate.startsWith(realRoot)) {
        return Optional.empty();
      }
      Path real = candidate.toRealPath(); // follows symlinks (fails if missing or dangling): must stay inside the root
      if (!real.startsWith(realRoot) || !Files.isRegularFile(real) || !Files.isReadable(real)) {
        return Optional.empty();
      }
      return Optional.of(real);
    } catch (IOException | SecurityException e) {
      return Optional.empty();
    }
  }
}
