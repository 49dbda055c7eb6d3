package dev.bootline.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/** The pure parts of the lab harness; runs as any user, creates no namespace. */
class LabHarnessTest {

  /** A lab test whose only extra requirement (the bootline jar) is made to be missing. */
  @LabTest(Requirement.BOOTLINE_JAR)
  static class SampleLab {
    @Test
    void needsTheJar() {}
  }

  private static TestExecutionResult runSample(boolean required) {
    String oldRequired = System.getProperty("bootline.lab.required");
    String oldJar = System.getProperty("bootline.jar");
    System.setProperty("bootline.lab.required", Boolean.toString(required));
    System.setProperty("bootline.jar", "/nonexistent/bootline.jar");
    List<TestExecutionResult> testResults = new ArrayList<>();
    try {
      LauncherFactory.create().execute(
          LauncherDiscoveryRequestBuilder.request().selectors(selectClass(SampleLab.class)).build(),
          new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
              if (id.getUniqueId().endsWith("[method:needsTheJar()]")) {
                testResults.add(result);
              }
            }
          });
    } finally {
      restore("bootline.lab.required", oldRequired);
      restore("bootline.jar", oldJar);
    }
    assertThat(testResults).hasSize(1);
    return testResults.getFirst();
  }

  private static void restore(String key, String value) {
    if (value == null) System.clearProperty(key);
    else System.setProperty(key, value);
  }

  @Test
  void missingPrerequisiteSkipsWithTheReason() {
    TestExecutionResult r = runSample(false);
    assertThat(r.getStatus()).isEqualTo(TestExecutionResult.Status.ABORTED);
    assertThat(r.getThrowable().orElseThrow().getMessage()).contains("lab prerequisites missing")
        .containsAnyOf("/nonexistent/bootline.jar does not exist", "not running as root");
  }

  @Test
  void missingPrerequisiteFailsWhenLabTestsAreRequired() {
    TestExecutionResult r = runSample(true);
    assertThat(r.getStatus()).isEqualTo(TestExecutionResult.Status.FAILED);
    assertThat(r.getThrowable().orElseThrow().getMessage()).contains("lab prerequisites missing")
        .contains("CI must not skip");
  }

  @Test
  void onlyDocumentationAndLinkLocalAddressesAreAccepted() {
    for (String ok : List.of("192.0.2.1/24", "198.51.100.254/24", "203.0.113.9/24", "2001:db8:1::1/64", "fe80::1/64")) {
      Lab.requireDocumentationAddress(ok);
    }
    for (String bad : List.of("10.0.0.1/8", "192.168.1.1/24", "192.0.3.1/24", "2001:db9::1/64", "fd00::1/64")) {
      assertThatThrownBy(() -> Lab.requireDocumentationAddress(bad))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad);
    }
  }

  @Test
  void serialConsoleIsMadeMatchable() {
    String sgabios = "\u001b[2J\u001b[1;1HiPXE (http://ipxe.org) 00:03.0\r\n\u001b[0m\u001b[?25lBooting\u0007";
    assertThat(Logs.stripAnsi(sgabios)).isEqualTo("iPXE (http://ipxe.org) 00:03.0\nBooting");
  }

  @Test
  void waitForReturnsTheMatchOrFailsWithTheLogTail(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("server.log");
    Files.writeString(log, "starting\nlistening on br0 ifindex=7\n");
    assertThat(Logs.waitFor(log, Pattern.compile("ifindex=(\\d+)"), Duration.ofSeconds(5)).group(1)).isEqualTo("7");
    assertThatThrownBy(() -> Logs.waitFor(log, Pattern.compile("DHCPOFFER"), Duration.ofMillis(200)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("'DHCPOFFER' not found")
        .hasMessageContaining("listening on br0 ifindex=7");
  }

  @Test
  void waitForStopsEarlyWhenTheProcessExited(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("qemu.log");
    Files.writeString(log, "qemu: could not open tap0\n");
    assertThatThrownBy(() -> Logs.waitFor(log, Pattern.compile("iPXE"), Duration.ofMinutes(5), s -> s, () -> false,
        "qemu"))
        .hasMessageContaining("qemu exited first").hasMessageContaining("could not open tap0");
  }
}
