package dev.bootline.events;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The boot event log: every step of every machine's boot, journaled on disk, kept as per-MAC timelines, and streamed
 * to subscribers.
 *
 * <p><b>Recording</b> ({@link #record}) is for protocol threads: it assigns the id, hands the event to one writer
 * thread through a bounded queue and returns; it never does disk I/O and never waits for a subscriber. If the queue is
 * full (the disk is stuck), the caller waits at most {@link Options#handoffMaxWait}; after that the event is not
 * journaled: {@link BootEvent#NOT_JOURNALED} is returned, {@link EventLogStats#dropped()} counts it, a warning is
 * logged, and once the writer catches up it journals an {@link EventNames#EVENTS_DROPPED} event with the count, so
 * subscribers and the journal show the hole. Ids are only given to events that entered the queue, so ids stay
 * contiguous. A boot server must keep answering even when its disk does not, hence no unbounded blocking.
 *
 * <p><b>Writing</b>: the writer drains the queue in batches (group commit), appends each batch with one write, and only
 * then publishes it to timelines and subscribers, so anything a subscriber saw is in the page cache and survives a
 * kill -9 of the process. fsync runs at most every {@link Options#fsyncInterval} while there are unsynced writes, at
 * rotation, and at close (power loss may lose that last interval).
 *
 * <p><b>Journal</b>: {@code <stateDir>/events/events-<first id>.journal} segment files (format in {@link
 * JournalCodec}). A segment is closed at {@link Options#segmentMaxBytes}; at most {@link Options#maxSegments} are
 * kept, the oldest deleted first, so disk use is bounded by about their product. At open the segments are replayed:
 * ids continue after the last good one, and a torn last record (crash mid-write) is counted, logged and cut off before
 * new appends. A {@code lock} file stops a second process from using the same directory.
 *
 * <p><b>Subscribing</b>: {@link #subscribe(long)} returns a pull cursor (see {@link EventCursor}). The newest {@link
 * Options#recentEvents} events are shared in memory by all cursors; a cursor that falls further behind reads the
 * journal instead, on its own thread, until it is back in the window. So a slow subscriber costs no memory and never
 * slows recording; it is only closed (with {@link EventsExpiredException}) if retention deleted what it still needs.
 */
public final class EventLog implements AutoCloseable, EventSink {
  private static final Logger LOG = LoggerFactory.getLogger(EventLog.class);
  private static final Pattern SEGMENT_NAME = Pattern.compile("events-(\\d{20})\\.journal");
  private static final int MAX_BATCH = 4096;
  /**
   * 4 ms, not 1: at 3,000 events/s a 1 ms round held ~3 events, and its write, lock, signal and wake-up were most of
   * the writer's ~10 µs per event (the encoding ~1 µs). Nothing a subscriber saw is lost by waiting longer: an event is
   * published only after its write.
   */
  private static final long COALESCE_NANOS = TimeUnit.MILLISECONDS.toNanos(4);
  private static final BootEvent STOP = new BootEvent(-1, java.time.Instant.EPOCH, null, null, "stop", null, null);
  private static final String EVENTS_SERVER = "events";

  /**
   * Tuning. Defaults ({@link #defaults()}): 65,536-event handoff, 100 ms max wait when it is full, fsync every 200 ms,
   * 16 MiB segments × 16 (≈256 MiB of journal), 4,096 machines × 500 events with at most 200,000 timeline events in
   * memory, and the newest 4,096 events shared by subscribers.
   *
   * <p>Why 4,096 and not 16,384: under a DHCP storm every event in that window is still reachable at the next young
   * collection, so each collection copied the last 16,384 events (~6 MB, most of the daemon's live set: {@code jcmd
   * GC.class_histogram}); 4,096 is still over a second of a 3,000/s storm, and a subscriber further behind reads the
   * journal instead (its own thread), as before.
   */
  public record Options(
      int handoffCapacity,
      Duration handoffMaxWait,
      Duration fsyncInterval,
      long segmentMaxBytes,
      int maxSegments,
      int maxMachines,
      int eventsPerMachine,
      int maxTimelineEvents,
      int recentEvents) {
    public Options {
      Objects.requireNonNull(handoffMaxWait, "handoffMaxWait");
      Objects.requireNonNull(fsyncInterval, "fsyncInterval");
      if (handoffCapacity < 1
          || handoffMaxWait.isNegative()
          || fsyncInterval.isNegative()
          || segmentMaxBytes < 1024
          || maxSegments < 2
          || maxMachines < 1
          || eventsPerMachine < 1
          || maxTimelineEvents < 1
          || recentEvents < 1) {
        throw new IllegalArgumentException("invalid event log options: " + this);
      }
    }

    public static Options defaults() {
      return new Options(
          65_536,
          Duration.ofMillis(100),
          Duration.ofMillis(200),
          16L << 20,
          16,
          4_096,
          500,
          200_000,
          4_096);
    }

    public Options withHandoff(int capacity, Duration maxWait) {
      return new Options(capacity, maxWait, fsyncInterval, segmentMaxBytes, maxSegments, maxMachines,
          eventsPerMachine, maxTimelineEvents, recentEvents);
    }

    public Options withFsyncInterval(Duration interval) {
      return new Options(handoffCapacity, handoffMaxWait, interval, segmentMaxBytes, maxSegments, maxMachines,
          eventsPerMachine, maxTimelineEvents, recentEvents);
    }

    public Options withSegments(long maxBytes, int maxCount) {
      return new Options(handoffCapacity, handoffMaxWait, fsyncInterval, maxBytes, maxCount, maxMachines,
          eventsPerMachine, maxTimelineEvents, recentEvents);
    }

    public Options withTimelines(int machines, int eventsEach, int eventsTotal) {
      return new Options(handoffCapacity, handoffMaxWait, fsyncInterval, segmentMaxBytes, maxSegments, machines,
          eventsEach, eventsTotal, recentEvents);
    }

    public Options withRecentEvents(int count) {
      return new Options(handoffCapacity, handoffMaxWait, fsyncInterval, segmentMaxBytes, maxSegments, maxMachines,
          eventsPerMachine, maxTimelineEvents, count);
    }
  }

  private final Path dir;
  private final Clock clock;
  private final Options options;
  private final FileChannel lockChannel;
  private final FileLock fileLock;
  /** first id → segment file; read by cursors, changed by the writer (and open). */
  final ConcurrentSkipListMap<Long, Path> segments = new ConcurrentSkipListMap<>();

  // Handoff: ids are assigned in queue order under handoffLock.
  private final ArrayBlockingQueue<BootEvent> handoff;
  private final ReentrantLock handoffLock = new ReentrantLock();
  private long nextId; // guarded by handoffLock
  private final StageProgress progress; // guarded by handoffLock: repeat/jump markers follow id order
  private volatile boolean closing;
  private final AtomicLong dropsToReport = new AtomicLong();

  // Writer-owned.
  private Thread writer;
  private FileChannel active;
  private long activeSize;
  private boolean unsynced;
  /** A journal write failed part-way: the next attempt first cuts the file back to activeSize. */
  private boolean partialWrite;
  private long lastSyncNanos;
  private final JournalCodec.FrameBuffer writeBuffer = new JournalCodec.FrameBuffer(64 * 1024);
  /** Test hook: while set, the writer stops after taking an event, as if the disk hung. */
  volatile CountDownLatch writerHold;

  // Published state, guarded by stateLock; `published` is signalled whenever writtenId advances or on close.
  final ReentrantLock stateLock = new ReentrantLock();
  final Condition published = stateLock.newCondition();
  long writtenId;
  private final BootEvent[] recent;
  private long recentFirstId = Long.MAX_VALUE;
  private final Timelines timelines;
  boolean closed;

  // Counters.
  private final AtomicLong recorded = new AtomicLong();
  private volatile java.util.function.Consumer<BootEvent> onRecorded;
  private final AtomicLong handoffWaits = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong rejectedAfterClose = new AtomicLong();
  private final AtomicLong segmentsDeleted = new AtomicLong();
  private long tornRecordsOnOpen;
  private long bytesTruncatedOnOpen;
  private final AtomicLong writeErrors = new AtomicLong();
  final AtomicLong journalReads = new AtomicLong();
  final AtomicLong cursorsExpired = new AtomicLong();

  private EventLog(Path dir, Clock clock, Options options, FileChannel lockChannel, FileLock fileLock) {
    this.dir = dir;
    this.clock = clock;
    this.options = options;
    this.lockChannel = lockChannel;
    this.fileLock = fileLock;
    this.handoff = new ArrayBlockingQueue<>(options.handoffCapacity());
    this.recent = new BootEvent[options.recentEvents()];
    this.timelines = new Timelines(options.maxMachines(), options.eventsPerMachine(), options.maxTimelineEvents());
    this.progress = new StageProgress(options.maxMachines());
  }

  /**
   * Opens (creating if needed) the journal in {@code <stateDir>/events}, replays it into memory, cuts off a torn tail
   * and starts the writer thread.
   *
   * @throws IOException if the directory cannot be used or another process has it open
   */
  public static EventLog open(Path stateDir, Clock clock, Options options) throws IOException {
    Path dir = stateDir.resolve("events");
    Files.createDirectories(dir);
    FileChannel lockChannel =
        FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      lockChannel.close();
      throw new IOException("event journal " + dir + " is already open (another bootline process?)");
    }
    EventLog log = new EventLog(dir, clock, options, lockChannel, lock);
    try {
      log.replay();
    } catch (IOException | RuntimeException e) {
      log.releaseLock();
      throw e;
    }
    log.writer = Thread.ofPlatform().name("bootline-event-writer").daemon().start(log::writerLoop);
    return log;
  }

  public static EventLog open(Path stateDir) throws IOException {
    return open(stateDir, Clock.systemUTC(), Options.defaults());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Recording (protocol threads)

  /**
   * Records one event. Safe to call from any thread; does no disk I/O and never waits for subscribers. Waits at most
   * {@link Options#handoffMaxWait} if the writer is far behind (see the class comment).
   *
   * @param mac the client's hardware address in any common notation, or null for events not tied to a machine
   * @param ip the client's address if known, else null
   * @param name the event name, e.g. {@link EventNames#HTTP_BOOT}
   * @param detail small JSON-able values (ordered); copied, so the caller may reuse the map; may be null. A stage
   *     event gets {@code repeat_event} / {@code jump_to} added when it repeats or skips stages ({@link StageProgress})
   * @param server the emitting server instance, e.g. {@code "dhcp6@br0"}
   * @return the event with its id, or with id {@link BootEvent#NOT_JOURNALED} if it could not be handed off
   * @throws IllegalArgumentException if {@code mac} is not a hardware address
   */
  @Override
  public BootEvent record(String mac, String ip, String name, Map<String, ?> detail, String server) {
    return record(null, mac, ip, name, detail, server);
  }

  /** {@link #record} with the time it happened, for events kept while the journal was opening ({@link StartupEventSink}). */
  BootEvent recordAt(java.time.Instant at, String mac, String ip, String name, Map<String, ?> detail, String server) {
    return record(Objects.requireNonNull(at, "at"), mac, ip, name, detail, server);
  }

  private BootEvent record(
      java.time.Instant at, String mac, String ip, String name, Map<String, ?> detail, String server) {
    Objects.requireNonNull(name, "name");
    // Compact, with shared strings: the event stays in memory for a while and every young GC copies it (EventDetail).
    String normalisedMac = EventDetail.shared(BootEvent.normaliseMac(mac));
    Map<String, Object> normalisedDetail = EventDetail.of(detail);
    long waitNanos = options.handoffMaxWait().toNanos();
    long deadline = System.nanoTime() + waitNanos;
    try {
      if (!handoffLock.tryLock(waitNanos, TimeUnit.NANOSECONDS)) {
        return notJournaled(normalisedMac, ip, name, normalisedDetail, server, true);
      }
      try {
        if (closing) {
          return notJournaled(normalisedMac, ip, name, normalisedDetail, server, false);
        }
        BootEvent event =
            new BootEvent(
                nextId, at != null ? at : clock.instant(), normalisedMac, ip, name,
                EventDetail.of(progress.annotate(normalisedMac, name, normalisedDetail)), server);
        if (!handoff.offer(event)) {
          handoffWaits.incrementAndGet();
          if (!handoff.offer(event, deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
            return notJournaled(normalisedMac, ip, name, normalisedDetail, server, true);
          }
        }
        nextId++;
        recorded.incrementAndGet();
        java.util.function.Consumer<BootEvent> hook = onRecorded;
        if (hook != null) {
          hook.accept(event);
        }
        return event;
      } finally {
        handoffLock.unlock();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return notJournaled(normalisedMac, ip, name, normalisedDetail, server, true);
    }
  }

  private BootEvent notJournaled(
      String mac, String ip, String name, Map<String, Object> detail, String server, boolean handoffFull) {
    if (handoffFull) {
      long n = dropped.incrementAndGet();
      dropsToReport.incrementAndGet();
      if (n == 1 || n % 1000 == 0) {
        LOG.warn("event journal writer is behind: {} event(s) not journaled so far (latest: {} {})", n, name, mac);
      }
    } else if (rejectedAfterClose.incrementAndGet() == 1) {
      LOG.warn("event recorded after the event log was closed, not journaled: {} {}", name, mac);
    }
    return new BootEvent(BootEvent.NOT_JOURNALED, clock.instant(), mac, ip, name, detail, server);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Reading

  /** All machines in memory and the id they are consistent with; see {@link MachinesSnapshot}. */
  public MachinesSnapshot machines() {
    stateLock.lock();
    try {
      return new MachinesSnapshot(writtenId, timelines.summaries());
    } finally {
      stateLock.unlock();
    }
  }

  /** One machine's summary, if it is in memory. */
  public Optional<MachineSummary> machine(String mac) {
    String normalised = BootEvent.normaliseMac(mac);
    stateLock.lock();
    try {
      return Optional.ofNullable(timelines.summary(normalised));
    } finally {
      stateLock.unlock();
    }
  }

  /**
   * The machine's most recent events, oldest first, at most {@link Options#eventsPerMachine}; empty if unknown or aged
   * out of memory (older events are still in the journal, reachable with {@link #subscribe}).
   */
  public List<BootEvent> timeline(String mac) {
    String normalised = BootEvent.normaliseMac(mac);
    stateLock.lock();
    try {
      return timelines.events(normalised);
    } finally {
      stateLock.unlock();
    }
  }

  /**
   * A cursor over every event with id greater than {@code afterId}: first from the journal (across restarts), then
   * live, without gap or duplicate. {@code afterId} 0 means from the beginning; an {@code afterId} newer than the
   * journal (a client that saw a journal since wiped) is treated as "from now". If retention already deleted some of
   * the requested events, the cursor's first poll throws {@link EventsExpiredException}.
   */
  public EventCursor subscribe(long afterId) {
    stateLock.lock();
    try {
      return new EventCursor(this, Math.max(0, Math.min(afterId, writtenId)));
    } finally {
      stateLock.unlock();
    }
  }

  /** Id of the newest event visible to subscribers (0 if none). */
  public long lastId() {
    stateLock.lock();
    try {
      return writtenId;
    } finally {
      stateLock.unlock();
    }
  }

  /** Oldest id still in the journal (subscribing after {@code oldestId() - 1} is always possible). */
  public long oldestId() {
    Map.Entry<Long, Path> first = segments.firstEntry();
    return first == null ? 1 : first.getKey();
  }

  /**
   * Waits until the event with this id (and all before it) is written and visible to subscribers. For shutdown paths
   * and tests; protocol threads should not call it.
   *
   * @return true if it is, false on timeout or if the log closed first
   */
  public boolean awaitJournaled(long id, Duration timeout) throws InterruptedException {
    long remaining = timeout.toNanos();
    stateLock.lock();
    try {
      while (writtenId < id) {
        if (closed || remaining <= 0) {
          return false;
        }
        remaining = published.awaitNanos(remaining);
      }
      return true;
    } finally {
      stateLock.unlock();
    }
  }

  /**
   * Called with each event {@link #record} accepted (in id order, on the recording thread, under the handoff lock: must
   * be quick and must not record). For metrics ({@code bootline.events{name}}); one hook, the last set wins.
   */
  public void onRecorded(java.util.function.Consumer<BootEvent> hook) {
    onRecorded = hook;
  }

  public EventLogStats stats() {
    stateLock.lock();
    try {
      return new EventLogStats(
          recorded.get(),
          handoffWaits.get(),
          dropped.get(),
          rejectedAfterClose.get(),
          writtenId,
          oldestId(),
          segments.size(),
          segmentsDeleted.get(),
          tornRecordsOnOpen,
          bytesTruncatedOnOpen,
          writeErrors.get(),
          journalReads.get(),
          cursorsExpired.get(),
          timelines.machineCount(),
          timelines.machinesForgotten());
    } finally {
      stateLock.unlock();
    }
  }

  /** The journal directory ({@code <stateDir>/events}). */
  public Path directory() {
    return dir;
  }

  /** Ring lookup for cursors; caller holds stateLock. Null if {@code id} is not in the in-memory window. */
  BootEvent recentEvent(long id) {
    if (id < recentFirstId || id > writtenId) {
      return null;
    }
    BootEvent e = recent[(int) (id % recent.length)];
    return e != null && e.id() == id ? e : null;
  }

  /** True if {@code id} is inside the in-memory window; caller holds stateLock. */
  boolean inRecentWindow(long id) {
    return id >= recentFirstId && id <= writtenId;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Open: replay and repair

  static String segmentName(long firstId) {
    return String.format("events-%020d.journal", firstId);
  }

  private void replay() throws IOException {
    TreeMap<Long, Path> found = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Matcher m = SEGMENT_NAME.matcher(p.getFileName().toString());
        if (m.matches()) {
          found.put(Long.parseLong(m.group(1)), p);
        }
      }
    }
    long lastId = 0;
    long activeFirstId = 0;
    Path activePath = null;
    long activeGoodSize = 0;
    for (Map.Entry<Long, Path> entry : found.entrySet()) {
      boolean last = entry.getKey().equals(found.lastKey());
      Path path = entry.getValue();
      Path aside = null;
      try (SegmentReader reader = new SegmentReader(path)) {
        if (!reader.readHeader()) {
          long size = reader.size();
          if (last && size < JournalCodec.SEGMENT_MAGIC.length) {
            // Crash while creating the segment: its header is rewritten below.
            activeFirstId = entry.getKey();
            activePath = path;
            activeGoodSize = 0;
            bytesTruncatedOnOpen += size;
          } else {
            aside = path.resolveSibling(path.getFileName() + ".corrupt");
            LOG.error("event journal segment {}: {}; moving it aside to {}", path, reader.tornReason(), aside);
            tornRecordsOnOpen++;
          }
        } else {
          BootEvent e;
          long good = reader.position();
          String reason = null;
          while ((e = reader.next()) != null) {
            if (e.id() <= lastId) {
              reason = "id " + e.id() + " after " + lastId;
              break;
            }
            good = reader.position();
            lastId = e.id();
            publishLocked(e);
          }
          if (reason == null) {
            reason = reader.tornReason();
          }
          long size = reader.size();
          if (good < size) {
            tornRecordsOnOpen++;
            LOG.warn(
                "event journal segment {}: bad record at byte {} ({}); {} byte(s) from there {}",
                path,
                good,
                reason,
                size - good,
                last ? "cut off" : "ignored");
          }
          segments.put(entry.getKey(), path);
          if (last) {
            activeFirstId = entry.getKey();
            activePath = path;
            activeGoodSize = good;
            bytesTruncatedOnOpen += size - good;
          }
        }
      }
      if (aside != null) {
        Files.move(path, aside, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    // An empty last segment still tells where ids continue (its name is its first id).
    nextId = Math.max(lastId + 1, found.isEmpty() ? 1 : found.lastKey());
    // A machine that repeats its stage right after a restart is still a repeat.
    timelines.summaries().values().forEach(m -> progress.seed(m.mac(), m.stage()));
    if (activePath == null) {
      createSegment(nextId);
    } else {
      active = FileChannel.open(activePath, StandardOpenOption.WRITE);
      active.truncate(activeGoodSize);
      if (activeGoodSize == 0) {
        active.write(ByteBuffer.wrap(JournalCodec.SEGMENT_MAGIC), 0);
        activeGoodSize = JournalCodec.SEGMENT_MAGIC.length;
      }
      active.force(true);
      active.position(activeGoodSize);
      activeSize = activeGoodSize;
      segments.put(activeFirstId, activePath);
    }
    lastSyncNanos = System.nanoTime();
    LOG.info(
        "event journal {}: {} segment(s), last id {}, {} machine(s) in memory",
        dir,
        segments.size(),
        writtenId,
        timelines.machineCount());
  }

  private void createSegment(long firstId) throws IOException {
    Path path = dir.resolve(segmentName(firstId));
    FileChannel channel =
        FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      ByteBuffer magic = ByteBuffer.wrap(JournalCodec.SEGMENT_MAGIC);
      while (magic.hasRemaining()) {
        channel.write(magic);
      }
    } catch (IOException e) {
      channel.close();
      Files.deleteIfExists(path);
      throw e;
    }
    active = channel;
    activeSize = JournalCodec.SEGMENT_MAGIC.length;
    unsynced = true;
    segments.put(firstId, path);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Writer thread

  private void writerLoop() {
    List<BootEvent> batch = new ArrayList<>();
    boolean stop = false;
    while (!stop) {
      try {
        long waitNanos =
            unsynced
                ? Math.max(0, lastSyncNanos + options.fsyncInterval().toNanos() - System.nanoTime())
                : TimeUnit.SECONDS.toNanos(1);
        BootEvent first = handoff.poll(waitNanos, TimeUnit.NANOSECONDS);
        if (first != null) {
          CountDownLatch hold = writerHold;
          if (hold != null) {
            hold.await();
          }
          batch.add(first);
          handoff.drainTo(batch, MAX_BATCH - 1);
        }
      } catch (InterruptedException e) {
        // Nobody interrupts the writer; close() uses the STOP marker. Keep going.
      }
      if (!batch.isEmpty() && batch.getLast() == STOP) {
        batch.removeLast();
        stop = true;
      }
      boolean small = batch.size() < MAX_BATCH / 4;
      boolean wrote = !batch.isEmpty();
      if (!batch.isEmpty()) {
        try {
          writeAndPublish(batch);
        } catch (RuntimeException e) { // a bug must not kill the only writer: every later record() would drop
          writeErrors.incrementAndGet();
          LOG.error("event journal writer failed on a batch of {} event(s); they are lost", batch.size(), e);
        }
        batch.clear();
      }
      if (unsynced
          && (stop || System.nanoTime() - lastSyncNanos >= options.fsyncInterval().toNanos())) {
        sync();
      }
      if (!stop) {
        reportDrops();
        if (wrote && small) {
          // Let a few more events gather before the next round: under a packet storm one write and one wake-up per
          // ~4 ms instead of per event (record() then has no waiting writer to wake). Subscribers see an event at
          // most this much later; the journal is fsynced every 200 ms anyway.
          LockSupport.parkNanos(COALESCE_NANOS);
        }
      }
    }
    try {
      active.close();
    } catch (IOException e) {
      LOG.warn("closing event journal segment: {}", e.toString());
    }
  }

  /** Journals an events_dropped notice for record() calls that gave up; retried next round if the queue is full. */
  private void reportDrops() {
    long count = dropsToReport.getAndSet(0);
    if (count == 0) {
      return;
    }
    boolean queued = false;
    if (handoffLock.tryLock()) {
      try {
        if (!closing) {
          BootEvent notice =
              new BootEvent(nextId, clock.instant(), null, null, EventNames.EVENTS_DROPPED,
                  JsonValues.normaliseMap(Map.of("count", count)), EVENTS_SERVER);
          if (handoff.offer(notice)) {
            nextId++;
            queued = true;
          }
        }
      } finally {
        handoffLock.unlock();
      }
    }
    if (!queued) {
      dropsToReport.addAndGet(count);
    }
  }

  private void writeAndPublish(List<BootEvent> batch) {
    List<BootEvent> pending = new ArrayList<>(batch.size());
    writeBuffer.reset();
    for (BootEvent e : batch) {
      int before = writeBuffer.size();
      int payloadLength;
      try {
        payloadLength = writeBuffer.append(e); // encoded straight into the batch buffer
      } catch (RuntimeException ex) { // normalised detail should always serialise; keep the event regardless
        writeBuffer.truncate(before);
        LOG.error("event {} {}: cannot serialise its detail: {}", e.id(), e.name(), ex.toString());
        e = new BootEvent(e.id(), e.timestamp(), e.mac(), e.ip(), e.name(),
            JsonValues.normaliseMap(Map.of("unserialisable_detail", String.valueOf(ex.getMessage()))), e.server());
        payloadLength = writeBuffer.append(e);
      }
      if (payloadLength > JournalCodec.MAX_PAYLOAD) {
        writeBuffer.truncate(before);
        LOG.warn("event {} {} detail too large ({} bytes); journaling its size instead", e.id(), e.name(),
            payloadLength);
        e = new BootEvent(e.id(), e.timestamp(), e.mac(), e.ip(), e.name(),
            JsonValues.normaliseMap(Map.of("detail_too_large_bytes", payloadLength)), e.server());
        payloadLength = writeBuffer.append(e);
      }
      long frameSize = JournalCodec.FRAME_HEADER + payloadLength;
      if (activeSize + before + frameSize > options.segmentMaxBytes()
          && activeSize + before > JournalCodec.SEGMENT_MAGIC.length) {
        writeBuffer.truncate(before); // this frame opens the next segment
        if (!flush(pending)) {
          return;
        }
        final long firstId = e.id();
        if (!withRetry("rotating the event journal", () -> rotate(firstId))) {
          return;
        }
        writeBuffer.append(e);
      }
      pending.add(e);
    }
    flush(pending);
  }

  /** Writes the buffered frames, then publishes their events. False if given up (only while closing). */
  private boolean flush(List<BootEvent> pending) {
    if (pending.isEmpty()) {
      return true;
    }
    int bytes = writeBuffer.size();
    boolean written =
        withRetry(
            "writing the event journal",
            () -> {
              if (partialWrite) {
                active.truncate(activeSize); // undo a partial write from a failed attempt (not per write: a syscall)
              }
              partialWrite = true;
              ByteBuffer buffer = writeBuffer.asByteBuffer();
              long at = activeSize;
              while (buffer.hasRemaining()) {
                at += active.write(buffer, at);
              }
              partialWrite = false;
            });
    if (!written) {
      LOG.error("event log closing with the journal unwritable: {} event(s) lost", pending.size());
      pending.clear();
      writeBuffer.reset();
      return false;
    }
    activeSize += bytes;
    unsynced = true;
    stateLock.lock();
    try {
      for (BootEvent e : pending) {
        publishLocked(e);
      }
      published.signalAll();
    } finally {
      stateLock.unlock();
    }
    pending.clear();
    writeBuffer.reset();
    return true;
  }

  /** Adds a written event to the in-memory window and timelines; caller holds stateLock (or is replaying). */
  private void publishLocked(BootEvent e) {
    recent[(int) (e.id() % recent.length)] = e;
    if (recentFirstId == Long.MAX_VALUE) {
      recentFirstId = e.id();
    }
    recentFirstId = Math.max(recentFirstId, e.id() - recent.length + 1);
    writtenId = e.id();
    timelines.add(e);
  }

  private void rotate(long firstId) throws IOException {
    FileChannel old = active;
    old.force(true);
    createSegment(firstId);
    try {
      old.close();
    } catch (IOException e) {
      LOG.warn("closing event journal segment: {}", e.toString());
    }
    lastSyncNanos = System.nanoTime();
    while (segments.size() > options.maxSegments()) {
      Map.Entry<Long, Path> oldest = segments.pollFirstEntry();
      try {
        Files.deleteIfExists(oldest.getValue());
        segmentsDeleted.incrementAndGet();
      } catch (IOException e) {
        LOG.warn("cannot delete old event journal segment {}: {}", oldest.getValue(), e.toString());
      }
    }
  }

  private void sync() {
    try {
      active.force(false);
      unsynced = false;
    } catch (IOException e) {
      writeErrors.incrementAndGet();
      LOG.warn("fsync of the event journal failed: {}", e.toString());
    }
    lastSyncNanos = System.nanoTime();
  }

  private interface IoAction {
    void run() throws IOException;
  }

  /** Retries with backoff (the disk may come back); gives up only when closing, after a few attempts. */
  private boolean withRetry(String what, IoAction action) {
    for (int attempt = 1; ; attempt++) {
      try {
        action.run();
        return true;
      } catch (IOException e) {
        long errors = writeErrors.incrementAndGet();
        if (errors == 1 || errors % 100 == 0) {
          LOG.error("{} failed (attempt {}, {} error(s) so far): {}", what, attempt, errors, e.toString());
        }
        if (closing && attempt >= 3) {
          return false;
        }
        try {
          Thread.sleep(Math.min(1000, 10L << Math.min(attempt, 6)));
        } catch (InterruptedException ignored) {
          // keep retrying
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Close

  /**
   * Stops accepting events, writes and fsyncs everything already recorded, stops the writer and releases the
   * directory. Cursors then return what is left and report {@link EventCursor#isClosed()}. Idempotent.
   */
  @Override
  public void close() {
    handoffLock.lock();
    try {
      if (closing) {
        return;
      }
      closing = true;
      CountDownLatch hold = writerHold;
      if (hold != null) {
        hold.countDown();
      }
      handoff.put(STOP);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while closing the event log", e);
    } finally {
      handoffLock.unlock();
    }
    boolean interrupted = false;
    while (writer.isAlive()) {
      try {
        writer.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    stateLock.lock();
    try {
      closed = true;
      published.signalAll();
    } finally {
      stateLock.unlock();
    }
    releaseLock();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void releaseLock() {
    try {
      fileLock.release();
      lockChannel.close();
    } catch (IOException e) {
      LOG.warn("releasing the event journal lock: {}", e.toString());
    }
  }
}
