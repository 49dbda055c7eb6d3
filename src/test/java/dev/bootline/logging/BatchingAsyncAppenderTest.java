package dev.bootline.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BatchingAsyncAppenderTest {

  /** Counts write calls, so the test can see lines arriving in batches rather than one write each. */
  static final class CountingStream extends OutputStream {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final AtomicInteger writes = new AtomicInteger();

    @Override
    public synchronized void write(int b) {
      writes.incrementAndGet();
      bytes.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      writes.incrementAndGet();
      bytes.write(b, off, len);
    }

    synchronized String text() {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void everyLineFromEveryThreadArrivesInOrderPerThreadWithFewerWritesThanLines() throws Exception {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter()); // a fresh context has none
    CountingStream sink = new CountingStream();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%msg%n");
    encoder.start();
    OutputStreamAppender<ILoggingEvent> stream = new OutputStreamAppender<>();
    stream.setContext(context);
    stream.setName("STDERR");
    stream.setEncoder(encoder);
    stream.setOutputStream(sink);
    stream.start();
    ListAppender<ILoggingEvent> list = new ListAppender<>(); // a non-stream appender gets each event itself
    list.setContext(context);
    list.start();
    BatchingAsyncAppender async = new BatchingAsyncAppender();
    async.setContext(context);
    async.setName("DECISIONS");
    async.setQueueSize(64); // small: the logging threads must wait, not drop, when it is full
    async.addAppender(stream);
    async.addAppender(list);
    async.start();
    Logger logger = context.getLogger("dev.bootline.dhcp4.Test");
    logger.setAdditive(false);
    logger.addAppender(async);

    int threads = 4;
    int each = 5_000;
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      started.add(Thread.ofPlatform().start(() -> {
        for (int i = 0; i < each; i++) {
          logger.info("t" + id + " line " + i);
        }
      }));
    }
    for (Thread t : started) {
      t.join();
    }
    async.stop(); // writes out what is still queued

    String[] lines = sink.text().split("\n");
    assertThat(lines).hasSize(threads * each);
    int[] next = new int[threads];
    for (String line : lines) {
      int t = line.charAt(1) - '0';
      assertThat(line).isEqualTo("t" + t + " line " + next[t]);
      next[t]++;
    }
    assertThat(list.list).hasSize(threads * each);
    assertThat(sink.writes.get()).isLessThan(threads * each);
  }

  @Test
  void aLoneLineIsWrittenWithoutWaitingForMore() throws Exception {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter()); // a fresh context has none
    CountingStream sink = new CountingStream();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%msg%n");
    encoder.start();
    OutputStreamAppender<ILoggingEvent> stream = new OutputStreamAppender<>();
    stream.setContext(context);
    stream.setEncoder(encoder);
    stream.setOutputStream(sink);
    stream.start();
    BatchingAsyncAppender async = new BatchingAsyncAppender();
    async.setContext(context);
    async.addAppender(stream);
    async.start();
    Logger logger = context.getLogger("x");
    logger.addAppender(async);
    logger.info("one decision");
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (sink.text().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    assertThat(sink.text()).isEqualTo("one decision\n");
    async.stop();
  }
}
