package dev.bootline.tftp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bootline.boot.IpxeCatalog;
import dev.bootline.config.BootlineConfig.IpxeTarget;
import dev.bootline.wire.MacAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

public class TftpPathResolverTest {
  static final MacAddress MAC = MacAddress.parse("52:54:00:12:34:56").orElseThrow();

  @TempDir Path tmp;
  Path root;
  Path outside;
  Path ipxeEfi;
  Path undionly;

  @BeforeEach
  void tree() throws Exception {
    root = Files.createDirectories(tmp.resolve("root"));
    outside = Files.createDirectories(tmp.resolve("outside"));
    hostileTree(root, outside);
    Files.createDirectories(root.resolve("52:54:00:12:34:56"));
    Files.writeString(root.resolve("52:54:00:12:34:56/grub.cfg"), "cfg");
    Path bin = Files.createDirectories(tmp.resolve("ipxe"));
    ipxeEfi = Files.writeString(bin.resolve("ipxe.efi"), "ipxe-efi");
    undionly = Files.writeString(bin.resolve("undionly.kpxe"), "undionly");
  }

  /**
   * The tree the hostile-path table is written against (shared with the HTTP table): {@code outside/secret} (content
   * {@code secret}) next to {@code root}, which holds ipxe.efi, sub/file, symlinks out (absolute, relative, to a
   * directory), a symlink in, and a fifo. {@code outside} must be {@code root}'s sibling named "outside".
   */
  public static void hostileTree(Path root, Path outside) throws Exception {
    Files.writeString(outside.resolve("secret"), "secret");
    Files.writeString(root.resolve("ipxe.efi"), "efi");
    Files.createDirectories(root.resolve("sub"));
    Files.writeString(root.resolve("sub/file"), "file");
    Files.createSymbolicLink(root.resolve("link-out"), outside.resolve("secret"));
    Files.createSymbolicLink(root.resolve("dirlink"), outside);
    Files.createSymbolicLink(root.resolve("link-in"), root.resolve("sub/file"));
    Files.createSymbolicLink(root.resolve("relative-up"), Path.of("../outside/secret"));
    Process mkfifo = new ProcessBuilder("mkfifo", root.resolve("fifo").toString()).start();
    assertThat(mkfifo.waitFor()).isZero();
  }

  /** The names of {@link #hostilePaths()} alone: none may ever yield a file's content, whatever the protocol. */
  public static List<String> hostileNames() {
    return hostilePaths().map(a -> (String) a.get()[0]).toList();
  }

  TftpPathResolver resolver() throws IOException {
    var catalog = new IpxeCatalog(Map.of(IpxeTarget.X86_64_EFI, ipxeEfi, IpxeTarget.BIOS, undionly));
    return new TftpPathResolver(root, (mac, rest) -> catalog.resolve(rest));
  }

  static Stream<Arguments> hostilePaths() {
    List<Arguments> a = new ArrayList<>();
    a.add(Arguments.of("../outside/secret", 2, "dot_dot"));
    a.add(Arguments.of("sub/../../outside/secret", 2, "dot_dot"));
    a.add(Arguments.of("..", 2, "dot_dot"));
    a.add(Arguments.of("./../outside/secret", 2, "dot_dot"));
    a.add(Arguments.of("sub/./../ipxe.efi", 2, "dot_dot"));
    a.add(Arguments.of("a..b", 2, "dot_dot"));
    a.add(Arguments.of("....//....//etc/passwd", 2, "dot_dot"));
    a.add(Arguments.of("52:54:00:12:34:56/../../outside/secret", 2, "dot_dot"));
    a.add(Arguments.of("..\\..\\outside\\secret", 2, "backslash"));
    a.add(Arguments.of("sub\\file", 2, "backslash"));
    a.add(Arguments.of("C:\\Windows\\win.ini", 2, "backslash"));
    a.add(Arguments.of("\\\\server\\share", 2, "backslash"));
    a.add(Arguments.of("ipxe.efi\0.txt", 2, "nul"));
    a.add(Arguments.of("\0", 2, "nul"));
    a.add(Arguments.of("ipxe\n.efi", 2, "control_character"));
    a.add(Arguments.of("\u001b[31mred", 2, "control_character"));
    a.add(Arguments.of("del\u007f", 2, "control_character"));
    a.add(Arguments.of("caf\u00e9", 2, "non_ascii"));
    a.add(Arguments.of("\u00c0\u00ae\u00c0\u00ae/secret", 2, "non_ascii")); // overlong UTF-8 '.' as Latin-1 chars
    a.add(Arguments.of("a".repeat(256), 2, "name_too_long"));
    a.add(Arguments.of("link-out", 2, "symlink_escape"));
    a.add(Arguments.of("dirlink/secret", 2, "symlink_escape"));
    a.add(Arguments.of("relative-up", 2, "symlink_escape"));
    a.add(Arguments.of("/dev/null", 1, "not_found"));
    a.add(Arguments.of("sub", 2, "directory"));
    a.add(Arguments.of("/", 1, "empty_name"));
    a.add(Arguments.of("", 1, "empty_name"));
    a.add(Arguments.of("fifo", 2, "special_file"));
    // absolute paths are taken relative to the root, never as server paths
    a.add(Arguments.of("/etc/passwd", 1, "not_found"));
    a.add(Arguments.of("//etc/passwd", 1, "not_found"));
    a.add(Arguments.of("/tmp", 1, "not_found"));
    // TFTP does not percent-decode: these are literal names under the root
    a.add(Arguments.of("%2e%2e/%2e%2e/outside/secret", 1, "not_found"));
    a.add(Arguments.of("%2e%2e%2foutside%2fsecret", 1, "not_found"));
    a.add(Arguments.of("..%2f", 2, "dot_dot"));
    a.add(Arguments.of("%00", 1, "not_found"));
    a.add(Arguments.of("~root/.ssh/id_rsa", 1, "not_found"));
    a.add(Arguments.of("$(reboot)", 1, "not_found"));
    a.add(Arguments.of("file:///etc/passwd", 1, "not_found"));
    return a.stream();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("hostilePaths")
  void refusesHostilePaths(String name, int code, String reason) throws Exception {
    Resolution r = resolver().resolve(name);
    assertThat(r).isInstanceOf(Resolution.Refused.class);
    var refused = (Resolution.Refused) r;
    assertThat(refused.errorCode().code).isEqualTo(code);
    assertThat(refused.reason()).isEqualTo(reason);
    assertThat(refused.message()).doesNotContain(tmp.toString());
  }

  @Test
  void hostileTableIsLargeEnough() {
    assertThat(hostilePaths().count()).isGreaterThanOrEqualTo(20);
  }

  @Test
  void theServersOwnAbsolutePathOfAFileIsNotThatFile() throws Exception {
    String absolute = root.toRealPath().resolve("ipxe.efi").toString();
    assertThat(resolver().resolve(absolute)).isEqualTo(new Resolution.Refused(TftpErrorCode.FILE_NOT_FOUND, "not_found"));
  }

  @Test
  void percentNamedFileIsJustAName() throws Exception {
    Files.createDirectories(root.resolve("%2e%2e"));
    Files.writeString(root.resolve("%2e%2e/x"), "literal");
    var r = (Resolution.Found) resolver().resolve("%2e%2e/x");
    assertThat(r.path()).isEqualTo(root.toRealPath().resolve("%2e%2e/x"));
  }

  @Test
  void findsRegularFilesUnderTheRoot() throws Exception {
    var resolver = resolver();
    Path real = root.toRealPath();
    assertThat(resolver.resolve("ipxe.efi")).isEqualTo(new Resolution.Found(real.resolve("ipxe.efi"), Optional.empty(), Resolution.Kind.ROOT_FILE));
    assertThat(((Resolution.Found) resolver.resolve("/ipxe.efi")).path()).isEqualTo(real.resolve("ipxe.efi"));
    assertThat(((Resolution.Found) resolver.resolve("./sub//file")).path()).isEqualTo(real.resolve("sub/file"));
    assertThat(((Resolution.Found) resolver.resolve("link-in")).path())
        .as("a symlink that stays inside the root is fine")
        .isEqualTo(real.resolve("sub/file"));
    String longest = "b".repeat(255);
    Files.writeString(root.resolve(longest), "x");
    assertThat(resolver.resolve(longest)).isInstanceOf(Resolution.Found.class);
  }

  @Test
  void macPathsGoToTheCallbackInAnyNotation() throws Exception {
    var resolver = resolver();
    for (String mac : List.of("52:54:00:12:34:56", "52-54-00-12-34-56", "5254.0012.3456", "525400123456", "52:54:00:12:34:56".toUpperCase())) {
      assertThat(resolver.resolve(mac + "/ipxe.efi"))
          .as(mac)
          .isEqualTo(new Resolution.Found(ipxeEfi.toRealPath(), Optional.of(MAC), Resolution.Kind.MAC_FILE));
    }
    assertThat(resolver.resolve("/52:54:00:12:34:56/undionly.kpxe"))
        .isEqualTo(new Resolution.Found(undionly.toRealPath(), Optional.of(MAC), Resolution.Kind.MAC_FILE));
  }

  @Test
  void macPathsTheCallbackDoesNotKnowAreLookedUpUnderTheRootTaggedWithTheMac() throws Exception {
    var resolver = resolver();
    assertThat(resolver.resolve("52:54:00:12:34:56/grub.cfg"))
        .isEqualTo(
            new Resolution.Found(
                root.toRealPath().resolve("52:54:00:12:34:56/grub.cfg"), Optional.of(MAC), Resolution.Kind.ROOT_FILE));
    assertThat(resolver.resolve("52:54:00:12:34:56/nothing.efi"))
        .isEqualTo(new Resolution.Refused(TftpErrorCode.FILE_NOT_FOUND, "not_found"));
  }

  @Test
  void callbackNeverSeesHostileNamesAndItsFilesAreStillChecked() throws Exception {
    List<String> seen = new ArrayList<>();
    var resolver =
        new TftpPathResolver(
            root,
            (mac, rest) -> {
              seen.add(rest);
              return rest.equals("null") ? Optional.of(Path.of("/dev/null")) : Optional.of(tmp.resolve("missing"));
            });
    assertThat(resolver.resolve("52:54:00:12:34:56/../../x")).isInstanceOf(Resolution.Refused.class);
    assertThat(resolver.resolve("52:54:00:12:34:56\\x")).isInstanceOf(Resolution.Refused.class);
    assertThat(seen).isEmpty();
    assertThat(resolver.resolve("52:54:00:12:34:56/null"))
        .isEqualTo(new Resolution.Refused(TftpErrorCode.ACCESS_VIOLATION, "special_file"));
    assertThat(resolver.resolve("52:54:00:12:34:56/gone"))
        .isEqualTo(new Resolution.Refused(TftpErrorCode.FILE_NOT_FOUND, "not_found"));
  }
}
