package dev.bootline.events;

/**
 * A subscriber needs events that retention has already deleted from the journal. The cursor is closed; the client
 * should take a fresh {@link EventLog#machines()} snapshot and resume after {@link #resumeAfterId()} (an SSE endpoint
 * would send the snapshot and continue with {@code id:} lines from there).
 */
public final class EventsExpiredException extends Exception {
  private final long lastDeliveredId;
  private final long oldestAvailableId;

  EventsExpiredException(long lastDeliveredId, long oldestAvailableId) {
    super(
        "events after id "
            + lastDeliveredId
            + " are no longer in the journal; oldest kept is "
            + oldestAvailableId
            + ": take a snapshot and resume from id "
            + oldestAvailableId);
    this.lastDeliveredId = lastDeliveredId;
    this.oldestAvailableId = oldestAvailableId;
  }

  /** The last id this subscriber received (or asked to start after). */
  public long lastDeliveredId() {
    return lastDeliveredId;
  }

  /** The oldest id still in the journal. */
  public long oldestAvailableId() {
    return oldestAvailableId;
  }

  /** Pass this to {@link EventLog#subscribe(long)} to continue with the oldest event still kept. */
  public long resumeAfterId() {
    return oldestAvailableId - 1;
  }
}
