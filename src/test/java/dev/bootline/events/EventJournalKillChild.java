package dev.bootline.events;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Child process for {@link EventJournalKillTest}: records events in a tight loop and prints each id on its own line
 * once a subscriber has received it (so it is in the journal file), until it is killed. The first line is {@code
 * ready <last id found at open>}. Other lines on stdout (logging) are to be ignored by the reader.
 */
public final class EventJournalKillChild {
  private EventJournalKillChild() {}

  public static void main(String[] args) throws Exception {
    EventLog log =
        EventLog.open(
            Path.of(args[0]),
            Clock.systemUTC(),
            // Small segments so kills also land around rotations; enough of them that none is deleted.
            EventLog.Options.defaults().withSegments(64 * 1024, 10_000).withRecentEvents(512));
    long start = log.lastId();
    System.out.println("ready " + start);
    System.out.flush();
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              try (EventCursor cursor = log.subscribe(start)) {
                StringBuilder lines = new StringBuilder();
                while (true) {
                  List<BootEvent> batch = cursor.poll(256, Duration.ofSeconds(1));
                  lines.setLength(0);
                  for (BootEvent e : batch) {
                    lines.append(e.id()).append('\n');
                  }
                  System.out.print(lines); // one synchronized write: log lines cannot split it
                  System.out.flush();
                }
              } catch (Exception e) {
                e.printStackTrace();
                System.exit(3);
              }
            });
    for (long i = 0; ; i++) {
      log.record(
          String.format("52:54:00:00:%02x:%02x", (i >> 8) & 0xff, i & 0xff),
          null,
          EventNames.HTTP_FETCH,
          Map.of("n", i, "file", "initrd.img"),
          "kill-child");
    }
  }
}
