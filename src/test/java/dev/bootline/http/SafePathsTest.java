package dev.bootline.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-component {@code lstat} walk must answer exactly as resolving the whole path with {@code toRealPath} and
 * checking it stays inside the root (what SafePaths did before, kept here as the oracle), on a tree full of links:
 * inside the root, out of it, to directories, dangling, chained, and a root that is itself a link.
 */
class SafePathsTest {
  @TempDir Path dir;

  /** The former implementation, minus the syntax checks both share. */
  static Optional<Path> oracle(Path root, String rest) {
    try {
      Path realRoot = root.toRealPath();
      Path candidate = realRoot.resolve(rest).normalize();
      if (!candidate.startsWith(realRoot)) {
        return Optional.empty();
      }
      Path real = candidate.toRealPath();
      if (!real.startsWith(realRoot) || !Files.isRegularFile(real) || !Files.isReadable(real)) {
        return Optional.empty();
      }
      return Optional.of(real);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  @Test
  void answersAsRealPathResolutionOnATreeFullOfLinks() throws Exception {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.writeString(outside.resolve("secret"), "no");
    Files.createDirectories(outside.resolve("d"));
    Files.writeString(outside.resolve("d/f"), "no");
    Path profile = Files.createDirectories(dir.resolve("profiles/ubuntu"));
    Path linkedRoot = Files.createSymbolicLink(dir.resolve("52:54:00:00:00:01"), profile);
    Random random = new Random(7);
    List<String> names = new ArrayList<>();
    for (Path root : List.of(profile)) {
      Files.createDirectories(root.resolve("a/b"));
      Files.writeString(root.resolve("boot.ipxe"), "#!ipxe");
      Files.writeString(root.resolve("a/kernel"), "k");
      Files.writeString(root.resolve("a/b/initrd"), "i");
      Files.createSymbolicLink(root.resolve("in-file"), root.resolve("a/kernel"));
      Files.createSymbolicLink(root.resolve("in-rel"), Path.of("a/b/initrd"));
      Files.createSymbolicLink(root.resolve("in-dir"), root.resolve("a"));
      Files.createSymbolicLink(root.resolve("a/up"), Path.of(".."));
      Files.createSymbolicLink(root.resolve("a/chain"), Path.of("../in-file"));
      Files.createSymbolicLink(root.resolve("out-file"), outside.resolve("secret"));
      Files.createSymbolicLink(root.resolve("out-dir"), outside.resolve("d"));
      Files.createSymbolicLink(root.resolve("out-rel"), Path.of("../../outside/secret"));
      Files.createSymbolicLink(root.resolve("a/dangling"), root.resolve("nope"));
      Files.createSymbolicLink(root.resolve("dev"), Path.of("/dev/null"));
      Files.createSymbolicLink(root.resolve("loop"), root.resolve("loop"));
    }
    String[] parts = {"boot.ipxe", "a", "b", "kernel", "initrd", "in-file", "in-rel", "in-dir", "up", "chain",
        "out-file", "out-dir", "out-rel", "dangling", "dev", "loop", "f", "secret", "nope"};
    for (String p : parts) {
      names.add(p);
      for (String q : parts) {
        names.add(p + "/" + q);
        names.add(p + "/" + q + "/" + parts[random.nextInt(parts.length)]);
      }
    }
    SafePaths paths = new SafePaths();
    for (Path root : List.of(profile, linkedRoot)) {
      for (String name : names) {
        Optional<Path> expected = oracle(root, name);
        Optional<SafePaths.Resolved> got = paths.resolve(root, name);
        assertThat(got.map(SafePaths.Resolved::real)).as("%s under %s", name, root).isEqualTo(expected);
        if (got.isPresent()) {
          assertThat(got.get().attributes().isRegularFile()).isTrue();
          assertThat(got.get().attributes().size()).isEqualTo(Files.size(got.get().real()));
          assertThat(got.get().real()).startsWith(profile.toRealPath());
        }
      }
    }
    // the table is not all refusals: links inside the root are served, through either root
    for (String inside : List.of("boot.ipxe", "in-file", "in-rel", "in-dir/kernel", "a/chain", "a/up/a/b/initrd")) {
      assertThat(paths.resolve(linkedRoot, inside)).as(inside).isPresent();
    }
  }

  @Test
  void aRootRepointedToAnotherDirectoryIsFollowedWithinASecond() throws Exception {
    Path v1 = Files.createDirectories(dir.resolve("v1"));
    Path v2 = Files.createDirectories(dir.resolve("v2"));
    Files.writeString(v1.resolve("boot.ipxe"), "one");
    Files.writeString(v2.resolve("boot.ipxe"), "two");
    Path root = Files.createSymbolicLink(dir.resolve("mac"), v1);
    SafePaths paths = new SafePaths();
    assertThat(paths.resolve(root, "boot.ipxe").orElseThrow().real()).isEqualTo(v1.toRealPath().resolve("boot.ipxe"));
    Files.delete(root);
    Files.createSymbolicLink(root, v2);
    Thread.sleep(SafePaths.ROOT_RECHECK_NANOS / 1_000_000 + 50);
    assertThat(paths.resolve(root, "boot.ipxe").orElseThrow().real()).isEqualTo(v2.toRealPath().resolve("boot.ipxe"));
    Files.delete(v2.resolve("boot.ipxe"));
    assertThat(paths.resolve(root, "boot.ipxe")).as("a file gone since is not served").isEmpty();
  }
}
