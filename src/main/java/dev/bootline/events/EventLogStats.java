package dev.bootline.events;

/**
 * Counters for metrics and health checks.
 *
 * @param recorded events accepted by {@link EventLog#record} since open
 * @param handoffWaits record() calls that found the writer's handoff full and had to wait
 * @param dropped record() calls that gave up after {@link EventLog.Options#handoffMaxWait}: counted, logged, and
 *     reported in the journal by an {@link EventNames#EVENTS_DROPPED} event
 * @param rejectedAfterClose record() calls after close() began (not journaled)
 * @param lastWrittenId newest id written to the journal and visible to subscribers
 * @param oldestId oldest id a subscriber can still resume from
 * @param segments segment files on disk
 * @param segmentsDeleted segment files deleted by retention since open
 * @param tornRecordsOnOpen torn or invalid records found (and skipped) when the journal was opened
 * @param bytesTruncatedOnOpen bytes cut off the end of the last segment at open (the torn tail)
 * @param writeErrors journal write/fsync failures (the writer retries with backoff)
 * @param journalReads times a subscriber had fallen out of the in-memory window and read from disk
 * @param cursorsExpired subscribers closed because the events they needed were deleted by retention
 * @param machines machines with a timeline in memory
 * @param machinesForgotten machines aged out of memory (still in the journal)
 */
public record EventLogStats(
    long recorded,
    long handoffWaits,
    long dropped,
    long rejectedAfterClose,
    long lastWrittenId,
    long oldestId,
    int segments,
    long segmentsDeleted,
    long tornRecordsOnOpen,
    long bytesTruncatedOnOpen,
    long writeErrors,
    long journalReads,
    long cursorsExpired,
    int machines,
    long machinesForgotten) {}
