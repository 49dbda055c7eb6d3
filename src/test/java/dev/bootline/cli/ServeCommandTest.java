package dev.bootline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** serve's picocli-free command-line path ({@link ServeCommand#parseUsual}) against picocli's own parse. */
class ServeCommandTest {

  @Test
  void theFastTableHasExactlyTheAnnotatedOptionNames() {
    Map<String, String> annotated = new HashMap<>();
    for (Field f : ServeCommand.class.getDeclaredFields()) {
      CommandLine.Option o = f.getAnnotation(CommandLine.Option.class);
      if (o != null) {
        for (String n : o.names()) {
          annotated.put(n, f.getName());
        }
      }
    }
    assertThat(ServeCommand.FIELDS).isEqualTo(annotated);
  }

  @Test
  void usualLinesParseAsPicocliParsesThem() throws Exception {
    List<String[]> lines = List.of(
        new String[] {},
        new String[] {"--config", "/etc/bootline.yaml"},
        new String[] {"-c=/etc/b.yaml", "--check"},
        new String[] {"-interface", "eth0", "--interface=eth1", "-base-address", "2001:db8::", "--log-level", "debug"},
        new String[] {"-http-boot-url-template", "http://[{{.BaseAddress}}]/{{.Payload}}", "-tls-cert-file", "c.pem",
            "-tls-key-file", "k.pem", "-netboot-dir", "/srv/nb", "-ipxe-x86-64-efi", "ipxe.efi", "--state-dir", "/s",
            "--tftp-root", "/t", "--http-listen", ":80", "-http-listen", ":8080", "--admin-listen", "127.0.0.1:6315",
            "--log-format", "json"},
        new String[] {"--config=a=b.yaml", "--state-dir="});
    for (String[] line : lines) {
      Optional<ServeCommand> fast = ServeCommand.parseUsual(line);
      assertThat(fast).as(String.join(" ", line)).isPresent();
      ServeCommand picocli = new ServeCommand();
      new CommandLine(picocli).parseArgs(line);
      assertThat(fieldsOf(fast.get())).as(String.join(" ", line)).isEqualTo(fieldsOf(picocli));
    }
  }

  @Test
  void helpVersionErrorsAndOddFormsGoToPicocli() {
    List<String[]> lines = List.of(
        new String[] {"--help"}, new String[] {"-h"}, new String[] {"-V"}, new String[] {"--no-such-flag"},
        new String[] {"--config"}, new String[] {"--config", "--check"}, new String[] {"--config", "a", "-c", "b"},
        new String[] {"--check", "--check"}, new String[] {"--check=true"}, new String[] {"-ca.yaml"},
        new String[] {"@args.txt"}, new String[] {"--", "x"}, new String[] {"positional"},
        new String[] {"--log-level", "-x"});
    for (String[] line : lines) {
      assertThat(ServeCommand.parseUsual(line)).as(String.join(" ", line)).isEmpty();
    }
  }

  @Test
  void errorsStillExitAsPicocliMakesThem() {
    assertThat(Main.run("serve", "--config")).isEqualTo(2);
    assertThat(Main.run("serve", "--no-such-flag")).isEqualTo(2);
    assertThat(Main.run("serve", "--check", "--config", "/nonexistent/bootline.yaml")).isEqualTo(2);
  }

  private static Map<String, Object> fieldsOf(ServeCommand c) throws IllegalAccessException {
    Map<String, Object> m = new HashMap<>();
    for (Field f : ServeCommand.class.getDeclaredFields()) {
      if (f.getAnnotation(CommandLine.Option.class) != null) {
        m.put(f.getName(), f.get(c));
      }
    }
    return m;
  }
}
