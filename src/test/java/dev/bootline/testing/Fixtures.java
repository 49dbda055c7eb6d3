package dev.bootline.testing;

import dev.bootline.wire.Hex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;

/**
 * Captured real-client packets from {@code ../shared/fixtures/} (UDP payloads as hex). Each file is named
 * {@code NN-{client,server}-{dhcp4,dhcp6}-<type>.hex}.
 */
public final class Fixtures {
  private Fixtures() {}

  /** The shared fixtures folder; fails loudly when it is missing (tests must not pass vacuously). */
  public static Path root() {
    String prop = System.getProperty("bootline.shared.dir");
    Path shared = prop != null ? Paths.get(prop) : Paths.get("..", "shared");
    Path root = shared.resolve("fixtures").toAbsolutePath().normalize();
    if (!Files.isDirectory(root)) {
      throw new IllegalStateException("fixtures folder not found: " + root + " (set -Dbootline.shared.dir)");
    }
    return root;
  }

  /** Every {@code .hex} fixture whose file name contains {@code kind} (e.g. "-dhcp6-", "-dhcp4-"), sorted. */
  public static List<Path> hexFiles(String kind) {
    try (Stream<Path> s = Files.walk(root())) {
      List<Path> found =
          s.filter(p -> p.getFileName().toString().endsWith(".hex"))
              .filter(p -> p.getFileName().toString().contains(kind))
              .sorted()
              .toList();
      if (found.isEmpty()) {
        throw new IllegalStateException("no fixtures matching '" + kind + "' under " + root());
      }
      return found;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] bytes(Path hexFile) {
    try {
      return Hex.decode(Files.readString(hexFile));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One fixture by scenario folder and file name, e.g. {@code ("dhclient6", "01-client-dhcp6-solicit.hex")}. */
  public static byte[] bytes(String scenario, String file) {
    return bytes(root().resolve(scenario).resolve(file));
  }

  /** A name for test output: {@code scenario/file}. */
  public static String label(Path hexFile) {
    return hexFile.getParent().getFileName() + "/" + hexFile.getFileName();
  }
}
