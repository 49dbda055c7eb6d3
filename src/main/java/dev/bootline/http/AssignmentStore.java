package dev.bootline.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bootline.boot.Assignment;
import dev.bootline.wire.MacAddress;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Per-machine assignments, persisted as {@code <state-dir>/assignments.json} ({@code {"machines":{"<mac>":{…}}}},
 * shapes in {@link AssignmentJson}). Every change rewrites the file to a temp file, fsyncs it and renames it over the
 * old one, so a crash leaves either the old or the new set, never half a file. Lookups ({@link #forMac}, on protocol
 * threads) read an immutable map without locking; changes are serialised.
 */
public final class AssignmentStore implements Assignment.Source {
  static final String FILE = "assignments.json";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Path file;
  private volatile Map<MacAddress, Assignment> current;

  private AssignmentStore(Path file, Map<MacAddress, Assignment> initial) {
    this.file = file;
    this.current = initial;
  }

  /**
   * Loads the assignments from {@code stateDir} (none if the file does not exist yet).
   *
   * @throws IOException if the file exists but cannot be read or is not valid (refusing to start beats silently
   *     forgetting what operators set)
   */
  public static AssignmentStore open(Path stateDir) throws IOException {
    Path file = stateDir.resolve(FILE);
    Map<MacAddress, Assignment> loaded = new TreeMap<>();
    if (Files.exists(file)) {
      JsonNode root;
      try {
        root = MAPPER.readTree(file.toFile());
      } catch (IOException e) {
        throw new IOException(file + " is not valid JSON: " + e.getMessage(), e);
      }
      JsonNode machines = root == null ? null : root.get("machines");
      if (machines == null || !machines.isObject()) {
        throw new IOException(file + ": expected {\"machines\":{…}}");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = machines.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        MacAddress mac =
            MacAddress.parse(e.getKey()).orElseThrow(() -> new IOException(file + ": not a MAC address: " + e.getKey()));
        try {
          loaded.put(mac, AssignmentJson.parse(e.getValue()));
        } catch (IllegalArgumentException bad) {
          throw new IOException(file + ": " + e.getKey() + ": " + bad.getMessage(), bad);
        }
      }
    }
    return new AssignmentStore(file, Collections.unmodifiableMap(loaded));
  }

  @Override
  public Optional<Assignment> forMac(MacAddress mac) {
    return Optional.ofNullable(current.get(mac));
  }

  /** Every assignment, by MAC in order. */
  public Map<MacAddress, Assignment> all() {
    return current;
  }

  /** Sets (or replaces) a machine's assignment; on disk before this returns. */
  public synchronized void put(MacAddress mac, Assignment a) throws IOException {
    Map<MacAddress, Assignment> next = new TreeMap<>(current);
    next.put(mac, a);
    write(next);
    current = Collections.unmodifiableMap(next);
  }

  /** Removes a machine's assignment; returns the removed one, if there was one. */
  public synchronized Optional<Assignment> remove(MacAddress mac) throws IOException {
    Assignment old = current.get(mac);
    if (old == null) {
      return Optional.empty();
    }
    Map<MacAddress, Assignment> next = new TreeMap<>(current);
    next.remove(mac);
    write(next);
    current = Collections.unmodifiableMap(next);
    return Optional.of(old);
  }

  private void write(Map<MacAddress, Assignment> all) throws IOException {
    Map<String, Object> machines = new LinkedHashMap<>();
    all.forEach((mac, a) -> machines.put(mac.toString(), AssignmentJson.toMap(a)));
    byte[] bytes = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(Map.of("machines", machines));
    Path tmp = file.resolveSibling(FILE + ".tmp");
    try (FileChannel ch =
        FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(java.nio.ByteBuffer.wrap(bytes));
      ch.force(true); // the data must be on disk before the rename makes it the file
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
      dir.force(true); // and the rename itself
    } catch (IOException ignored) {
      // some file systems cannot fsync a directory; the rename is still atomic
    }
  }
}
