package dev.bootline.events;

import java.util.Map;

/**
 * All machines in memory, consistent with the journal up to and including {@code lastEventId}: subscribing with
 * {@code subscribe(lastEventId)} afterwards yields exactly the events the snapshot does not include — what an SSE
 * endpoint needs for "snapshot, then each new event" without a gap or a duplicate.
 *
 * @param lastEventId id of the newest event reflected in {@code machines} (0 if none)
 * @param machines MAC → summary, least recently seen first
 */
public record MachinesSnapshot(long lastEventId, Map<String, MachineSummary> machines) {}
