package dev.bootline.events;

import static dev.bootline.events.EventTesting.allEvents;
import static dev.bootline.events.EventTesting.ids;
import static dev.bootline.events.EventTesting.range;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real kill -9 of a process that is recording: whatever a subscriber saw must be in the journal, once, in order. */
class EventJournalKillTest {
  @TempDir Path stateDir;

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void everyIdASubscriberSawSurvivesKillMinusNine() throws Exception {
    int[] killAfter = {200, 1000, 3000}; // each round reopens what the previous kill left
    long journalLast = 0;
    for (int round = 0; round < killAfter.length; round++) {
      ChildRun run = runAndKill(killAfter[round]);
      assertThat(run.readyLastId).as("round %d: child found the journal so far", round).isEqualTo(journalLast);
      assertThat(run.printed).as("round %d: ids printed before the kill", round).hasSizeGreaterThanOrEqualTo(killAfter[round]);
      // The subscriber saw a contiguous run starting right after what was there at open.
      assertThat(run.printed).isEqualTo(range(journalLast + 1, journalLast + run.printed.size()));

      try (EventLog log = EventLog.open(stateDir, Clock.systemUTC(), EventLog.Options.defaults())) {
        List<Long> journal = ids(allEvents(log));
        // Everything printed is there, exactly once, in order (journal ids are 1..last with no duplicate).
        assertThat(journal).isEqualTo(range(1, log.lastId()));
        assertThat(journal).containsAll(run.printed);
        assertThat(log.lastId()).isGreaterThanOrEqualTo(run.printed.getLast());
        journalLast = log.lastId();
      }
    }
  }

  private record ChildRun(long readyLastId, List<Long> printed) {}

  private ChildRun runAndKill(int killAfterIds) throws Exception {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Process child =
        new ProcessBuilder(
                java,
                "-Xmx128m",
                "-XX:TieredStopAtLevel=1", // starts faster; this child is about crashing, not speed
                "-cp",
                System.getProperty("java.class.path"),
                EventJournalKillChild.class.getName(),
                stateDir.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    int completeIdLines = 0;
    boolean killed = false;
    try (InputStream in = child.getInputStream()) {
      byte[] buffer = new byte[8192];
      int lineStart = 0;
      int n;
      while ((n = in.read(buffer)) >= 0) {
        stdout.write(buffer, 0, n);
        if (!killed) {
          byte[] all = stdout.toByteArray();
          for (int i = lineStart; i < all.length; i++) {
            if (all[i] == '\n') {
              String line = new String(all, lineStart, i - lineStart, StandardCharsets.UTF_8);
              if (line.matches("\\d+")) {
                completeIdLines++;
              }
              lineStart = i + 1;
            }
          }
          if (completeIdLines >= killAfterIds) {
            // SIGKILL. Through the handle: Process.destroyForcibly() would also close our end of the pipe, and the
            // ids already in it must still be read.
            child.toHandle().destroyForcibly();
            killed = true;
          }
        }
      }
    } finally {
      child.destroyForcibly();
      child.waitFor();
    }
    assertThat(killed).as("child exited before printing %d ids: %s", killAfterIds, stdout).isTrue();

    // Only newline-terminated lines count: the kill may cut the last one.
    String text = stdout.toString(StandardCharsets.UTF_8);
    text = text.substring(0, text.lastIndexOf('\n') + 1);
    long ready = -1;
    List<Long> printed = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("ready ")) {
        ready = Long.parseLong(line.substring(6));
      } else if (line.matches("\\d+")) {
        printed.add(Long.parseLong(line));
      }
    }
    return new ChildRun(ready, printed);
  }
}
