/**
 * Boot events: every step of every machine's boot, journaled on disk, kept as per-MAC timelines, streamed to
 * subscribers.
 *
 * <ul>
 *   <li>Protocol servers: {@link dev.bootline.events.EventLog#record} (never blocks on disk or subscribers).
 *   <li>SSE endpoint: {@link dev.bootline.events.EventLog#machines()} for the snapshot (it carries the id it is
 *       consistent with), then {@link dev.bootline.events.EventLog#subscribe(long)} with that id or the client's
 *       Last-Event-ID, polling the {@link dev.bootline.events.EventCursor} from the connection's own thread.
 *   <li>Web page / API: {@link dev.bootline.events.EventLog#timeline(String)}, {@link
 *       dev.bootline.events.EventLog#machine(String)}; metrics: {@link dev.bootline.events.EventLog#stats()}.
 * </ul>
 */
package dev.bootline.events;
