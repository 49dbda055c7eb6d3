package dev.bootline.events;

import java.util.Map;

/**
 * Where protocol servers report boot steps. {@link EventLog} journals them; tests can collect them in a list. Must not
 * block the caller on disk I/O or subscribers.
 */
@FunctionalInterface
public interface EventSink {
  /** Returns the recorded event (tests' sinks may return null). */
  BootEvent record(String mac, String ip, String name, Map<String, ?> detail, String server);

  EventSink NONE = (mac, ip, name, detail, server) -> null;
}
