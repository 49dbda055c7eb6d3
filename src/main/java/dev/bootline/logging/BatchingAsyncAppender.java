package dev.bootline.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.spi.AppenderAttachableImpl;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * logback's {@code AsyncAppender} for the per-decision DHCP lines, with the writes batched: the worker takes every
 * line queued so far, encodes them with the attached stream appender's own encoder (so the text/json switch of
 * {@code LogFormat} applies) into one reused buffer, and writes them to that appender's stream with one write and one
 * flush, then waits {@link #GATHER_NANOS} before the next round when the round was small. Under a packet storm that is
 * one write(2) and one thread wake-up per 4 ms instead of per line; a lone line still goes out at once.
 *
 * <p>Nothing is dropped: a full queue makes the logging thread wait (like {@code AsyncAppender} with
 * {@code discardingThreshold} 0 and {@code neverBlock} false), and {@link #stop} writes out what is queued (up to
 * {@link #setMaxFlushTime}). Attached appenders that are not stream appenders get each event through {@code doAppend}.
 */
public final class BatchingAsyncAppender extends UnsynchronizedAppenderBase<ILoggingEvent>
    implements AppenderAttachable<ILoggingEvent> {
  // 4 ms, not 1: at 3,000 lines/s a round of ~3 lines cost a write(2) and a wake-up each (most of this thread's
  // ~10 µs per line; encoding is ~0.5 µs); a human reading the log does not see 4 ms.
  static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(4);
  private static final int SMALL_BATCH = 256;

  private final AppenderAttachableImpl<ILoggingEvent> appenders = new AppenderAttachableImpl<>();
  private int queueSize = 16_384;
  private int maxFlushTime = 1000;
  private ArrayBlockingQueue<ILoggingEvent> queue;
  private Thread worker;
  private volatile boolean stopping;

  public void setQueueSize(int queueSize) {
    this.queueSize = queueSize;
  }

  public void setMaxFlushTime(int millis) {
    this.maxFlushTime = millis;
  }

  @Override
  public void start() {
    if (isStarted()) {
      return;
    }
    if (queueSize < 1) {
      addError("queueSize " + queueSize + " must be at least 1");
      return;
    }
    queue = new ArrayBlockingQueue<>(queueSize);
    stopping = false;
    worker = Thread.ofPlatform().daemon(true).name("log-" + getName()).unstarted(this::work);
    super.start();
    worker.start();
  }

  @Override
  protected void append(ILoggingEvent event) {
    event.prepareForDeferredProcessing(); // message, thread name, MDC frozen on the calling thread
    boolean interrupted = false;
    while (true) {
      try {
        queue.put(event);
        break;
      } catch (InterruptedException e) {
        interrupted = true; // like AsyncAppender's putUninterruptibly: the line is not lost
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void work() {
    List<ILoggingEvent> batch = new ArrayList<>();
    LineEncoder.LineBuffer buffer = new LineEncoder.LineBuffer(64 * 1024);
    while (true) {
      try {
        ILoggingEvent first = queue.take();
        batch.add(first);
      } catch (InterruptedException e) {
        if (stopping) {
          break;
        }
        continue;
      }
      queue.drainTo(batch);
      deliver(batch, buffer);
      boolean small = batch.size() < SMALL_BATCH;
      batch.clear();
      if (stopping) {
        break;
      }
      if (small) {
        LockSupport.parkNanos(GATHER_NANOS); // let a storm's lines gather; an interrupt (stop) ends the park early
      }
    }
    queue.drainTo(batch); // at stop: what is left
    deliver(batch, buffer);
    batch.clear();
  }

  private void deliver(List<ILoggingEvent> batch, LineEncoder.LineBuffer buffer) {
    if (batch.isEmpty()) {
      return;
    }
    Iterator<Appender<ILoggingEvent>> it = appenders.iteratorForAppenders();
    while (it.hasNext()) {
      Appender<ILoggingEvent> a = it.next();
      if (!(a instanceof OutputStreamAppender<ILoggingEvent> stream) || !writeBatch(stream, batch, buffer)) {
        for (ILoggingEvent e : batch) {
          a.doAppend(e);
        }
      }
    }
  }

  /** All lines through the appender's encoder, one write; false when this appender cannot take them so. */
  private boolean writeBatch(
      OutputStreamAppender<ILoggingEvent> stream, List<ILoggingEvent> batch, LineEncoder.LineBuffer buffer) {
    Encoder<ILoggingEvent> encoder = stream.getEncoder();
    OutputStream out = stream.getOutputStream();
    if (!stream.isStarted() || encoder == null || out == null || stream.getCopyOfAttachedFiltersList().size() > 0) {
      return false;
    }
    buffer.reset();
    if (encoder instanceof LineEncoder direct) {
      for (ILoggingEvent e : batch) {
        direct.encodeTo(e, buffer); // no array per line
      }
    } else {
      for (ILoggingEvent e : batch) {
        buffer.put(encoder.encode(e));
      }
    }
    try {
      buffer.writeTo(out); // one write: the console stream is a PrintStream, whose writes do not interleave
      out.flush();
    } catch (IOException e) {
      addError("writing " + batch.size() + " log line(s) to " + stream.getName() + " failed", e);
    }
    return true;
  }

  @Override
  public void stop() {
    if (!isStarted()) {
      return;
    }
    super.stop();
    stopping = true;
    worker.interrupt();
    try {
      worker.join(maxFlushTime);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (worker.isAlive()) {
      addWarn("log queue not written out within " + maxFlushTime + " ms; " + queue.size() + " line(s) lost");
    }
  }

  @Override
  public void addAppender(Appender<ILoggingEvent> newAppender) {
    appenders.addAppender(newAppender);
  }

  @Override
  public Iterator<Appender<ILoggingEvent>> iteratorForAppenders() {
    return appenders.iteratorForAppenders();
  }

  @Override
  public Appender<ILoggingEvent> getAppender(String name) {
    return appenders.getAppender(name);
  }

  @Override
  public boolean isAttached(Appender<ILoggingEvent> appender) {
    return appenders.isAttached(appender);
  }

  @Override
  public void detachAndStopAllAppenders() {
    appenders.detachAndStopAllAppenders();
  }

  @Override
  public boolean detachAppender(Appender<ILoggingEvent> appender) {
    return appenders.detachAppender(appender);
  }

  @Override
  public boolean detachAppender(String name) {
    return appenders.detachAppender(name);
  }
}
