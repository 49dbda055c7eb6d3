package dev.bootline.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps a URL path remainder to a regular file inside a root, refusing anything that could leave it.
 *
 * <p>Per request this costs one {@code lstat} per component of the remainder (a MAC's {@code boot.ipxe}: one), not a
 * {@code realpath} of the whole path ({@code readlink} on every component, twice: root and file). The root's real path
 * is kept for up to a second ({@link #ROOT_RECHECK_NANOS}): a per-MAC directory re-pointed to another profile serves
 * from the old one for at most that long, and never from outside a directory that was that MAC's root. Only the
 * remainder's components can then be links; if one is, the file is resolved with {@code toRealPath} and must still be
 * inside the root (links inside the root are fine).
 */
final class SafePaths {
  /** A file inside its root: its real path and its attributes, read without following links, when resolved. */
  record Resolved(Path real, BasicFileAttributes attributes) {}

  static final long ROOT_RECHECK_NANOS = 1_000_000_000L;
  private static final int MAX_ROOTS = 4096;

  private record RealRoot(Path real, long checkedAt) {}

  private final ConcurrentHashMap<Path, RealRoot> roots = new ConcurrentHashMap<>();

  /**
   * @param root the directory files must stay in (its real path is compared, so a symlinked root works)
   * @param rest the already percent-decoded remainder of the URL path, e.g. {@code boot.ipxe} or {@code a/b.img}
   */
  Optional<Resolved> resolve(Path root, String rest) {
    if (rest.isEmpty() || rest.length() > 1024 || rest.startsWith("/")) {
      return Optional.empty();
    }
    for (int i = 0; i < rest.length(); i++) {
      char c = rest.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\\' || c == '%') { // '%' here means double encoding: refuse
        return Optional.empty();
      }
    }
    String[] segments = rest.split("/", -1);
    for (String seg : segments) {
      if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
        return Optional.empty();
      }
    }
    try {
      Path realRoot = realRoot(root);
      Path at = realRoot;
      BasicFileAttributes a = null;
      for (int i = 0; i < segments.length; i++) {
        at = at.resolve(segments[i]);
        a = Files.readAttributes(at, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.isSymbolicLink()) {
          return throughLinks(realRoot, realRoot.resolve(rest));
        }
        if (i < segments.length - 1 && !a.isDirectory()) {
          return Optional.empty();
        }
      }
      if (!at.startsWith(realRoot) || !a.isRegularFile() || !Files.isReadable(at)) {
        return Optional.empty();
      }
      return Optional.of(new Resolved(at, a));
    } catch (IOException | SecurityException e) {
      return Optional.empty();
    }
  }

  /** A path with a link in it: follow every link, and the end must be a regular file still inside the root. */
  private static Optional<Resolved> throughLinks(Path realRoot, Path candidate) throws IOException {
    Resolved r = followed(candidate);
    if (!r.real().startsWith(realRoot) || !r.attributes().isRegularFile() || !Files.isReadable(r.real())) {
      return Optional.empty();
    }
    return Optional.of(r);
  }

  /**
   * {@code p} with every link followed, and the attributes of what it names. No root: for files the configuration
   * names itself (Debian's iPXE binaries are links into /boot), resolved per request so a new link target is used.
   *
   * @throws IOException if it is missing or a link dangles
   */
  static Resolved followed(Path p) throws IOException {
    Path real = p.toRealPath();
    return new Resolved(real, Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
  }

  private Path realRoot(Path root) throws IOException {
    long now = System.nanoTime();
    RealRoot known = roots.get(root);
    if (known != null && now - known.checkedAt < ROOT_RECHECK_NANOS) {
      return known.real;
    }
    Path real = root.toRealPath();
    if (roots.size() >= MAX_ROOTS) {
      roots.clear(); // one entry per MAC fetching files; past this many, start over rather than track recency
    }
    roots.put(root, new RealRoot(real, now));
    return real;
  }
}
