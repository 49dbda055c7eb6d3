package dev.bootline.events;

import java.time.Instant;

/**
 * What the log knows about one machine, as kept in memory.
 *
 * @param mac normalised MAC
 * @param ip last address seen in any of its events, or null
 * @param stage name of its latest event that is a {@linkplain EventNames#STAGES stage}, or null if none yet
 * @param lastEvent its latest event of any name
 * @param firstSeen timestamp of its oldest event still remembered (in memory since open, including replay)
 * @param lastSeen timestamp of its latest event
 * @param eventCount events for this MAC seen since it was (re)loaded into memory; the timeline keeps only the last few
 */
public record MachineSummary(
    String mac, String ip, String stage, BootEvent lastEvent, Instant firstSeen, Instant lastSeen, long eventCount) {}
