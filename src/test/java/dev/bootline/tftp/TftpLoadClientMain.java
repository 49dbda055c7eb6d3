package dev.bootline.tftp;

import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A many-clients TFTP load generator for {@link TftpManyClientsLabIT}, run inside the lab's client namespace: {@code
 * ipv4 ipv6 port file expected-file count} opens {@code count} read transfers at once (one virtual thread and one UDP
 * port each, every fifth over IPv6) asking for {@code blksize 1468 windowsize 4}, plus one stalled client that sends
 * its RRQ and never acknowledges anything. Each download is compared byte for byte with {@code expected-file}.
 *
 * <p>Prints {@code FAIL <i> <why>} per failed download, {@code STALLED <packets>} for what the stalled client
 * received before the server went quiet, and last {@code DONE ok=<n> failed=<n> ms=<elapsed of the downloads>}. All
 * loops and waits are bounded.
 */
public final class TftpLoadClientMain {
  private TftpLoadClientMain() {}

  static final int WINDOW = 4;

  public static void main(String[] args) throws Exception {
    InetAddress v4 = InetAddress.ofLiteral(args[0]);
    InetAddress v6 = InetAddress.ofLiteral(args[1]);
    int port = Integer.parseInt(args[2]);
    String file = args[3];
    byte[] expected = Files.readAllBytes(Path.of(args[4]));
    int count = Integer.parseInt(args[5]);

    AtomicInteger stalledPackets = new AtomicInteger();
    Thread stalled = Thread.ofVirtual().start(() -> stall(new InetSocketAddress(v4, port), file, stalledPackets));
    Thread.sleep(200); // the stalled transfer holds its slot before the crowd arrives

    AtomicInteger ok = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(count);
    long t0 = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int n = i;
      InetSocketAddress server = new InetSocketAddress(i % 5 == 0 ? v6 : v4, port);
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      byte[] got = download(server, file);
                      if (Arrays.equals(got, expected)) {
                        ok.incrementAndGet();
                      } else {
                        failed.incrementAndGet();
                        System.out.println("FAIL " + n + " content differs: " + got.length + " bytes");
                      }
                    } catch (Exception e) {
                      failed.incrementAndGet();
                      System.out.println("FAIL " + n + " " + e);
                    } finally {
                      done.countDown();
                    }
                  }));
    }
    done.await(); // every download ends by its own bounded deadline
    long ms = (System.nanoTime() - t0) / 1_000_000;
    stalled.join(30_000);
    System.out.println("STALLED " + stalledPackets.get());
    System.out.println("DONE ok=" + ok.get() + " failed=" + failed.get() + " ms=" + ms);
    System.out.flush();
  }

  static byte[] rrq(String file) {
    return TftpCodec.encode(
        new TftpPacket.ReadRequest(
            file,
            TransferMode.OCTET,
            List.of(
                new TftpOption("tsize", "0"), new TftpOption("blksize", "1468"), new TftpOption("windowsize", "4"))));
  }

  /** RRQ, then count what the server sends (OACK and its retransmissions) until it has been quiet for 8 s. */
  static void stall(InetSocketAddress server, String file, AtomicInteger packets) {
    try (DatagramSocket s = new DatagramSocket(0)) {
      byte[] r = rrq(file);
      s.send(new DatagramPacket(r, r.length, server));
      s.setSoTimeout(8_000);
      byte[] buf = new byte[65536];
      for (int i = 0; i < 100; i++) {
        s.receive(new DatagramPacket(buf, buf.length));
        packets.incrementAndGet();
      }
    } catch (SocketTimeoutException e) {
      // the server gave up: what we wanted
    } catch (Exception e) {
      System.out.println("STALLED-ERROR " + e);
    }
  }

  /** One windowed download (RFC 7440 client side); throws on failure. */
  static byte[] download(InetSocketAddress server, String file) throws Exception {
    return download(server, file, true, new AtomicInteger());
  }

  /**
   * One download asking for blksize 1468 and windowsize 4 (as OVMF does), counting every resent RRQ or ACK in
   * {@code retransmits}; {@code dally} answers a resent last window after the final ACK, as tftp-hpa does (firmware
   * moves on at once). Also the boot storm's TFTP step (robust/StormClientMain).
   */
  public static byte[] download(InetSocketAddress server, String file, boolean dally, AtomicInteger retransmits)
      throws Exception {
    long deadline = System.nanoTime() + 90_000_000_000L;
    try (DatagramSocket s = new DatagramSocket(0)) {
      s.setReceiveBufferSize(1 << 20);
      s.setSoTimeout(1_000);
      byte[] req = rrq(file);
      byte[] buf = new byte[65536];
      DatagramPacket in = new DatagramPacket(buf, buf.length);
      InetSocketAddress tid = null;
      int blksize = 512;
      // request until the OACK comes (the listener's queue may overflow when 500 requests arrive at once)
      for (int tries = 0; tid == null; tries++) {
        if (tries == 8) {
          throw new IllegalStateException("no answer to the RRQ");
        }
        if (tries > 0) {
          retransmits.incrementAndGet();
        }
        s.send(new DatagramPacket(req, req.length, server));
        try {
          s.receive(in);
        } catch (SocketTimeoutException e) {
          continue;
        }
        TftpPacket p = TftpCodec.decode(Arrays.copyOf(buf, in.getLength()));
        if (p instanceof TftpPacket.OptionAck oack) {
          tid = (InetSocketAddress) in.getSocketAddress();
          for (TftpOption o : oack.options()) {
            if (o.lowerName().equals("blksize")) {
              blksize = Integer.parseInt(o.value());
            }
            if (o.lowerName().equals("windowsize") && !o.value().equals("4")) {
              throw new IllegalStateException("windowsize " + o.value());
            }
          }
        } else {
          throw new IllegalStateException("answer to RRQ: " + p);
        }
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      long expected = 1; // next block wanted
      long windowStart = 1; // -1: a gap was acknowledged, waiting for the server to resume
      int lastAcked = 0;
      int silence = 0;
      send(s, new TftpPacket.Ack(0), tid);
      while (true) {
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException("deadline at block " + expected);
        }
        try {
          s.receive(in);
        } catch (SocketTimeoutException e) {
          if (++silence > 10) {
            throw new IllegalStateException("server silent at block " + expected);
          }
          retransmits.incrementAndGet();
          send(s, new TftpPacket.Ack(lastAcked), tid); // our ACK may have been lost
          continue;
        }
        if (!tid.equals(in.getSocketAddress())) {
          continue;
        }
        silence = 0;
        TftpPacket p = TftpCodec.decode(Arrays.copyOf(buf, in.getLength()));
        if (p instanceof TftpPacket.Error e) {
          throw new IllegalStateException("server error " + e);
        }
        if (p instanceof TftpPacket.OptionAck) {
          send(s, new TftpPacket.Ack(0), tid); // our ACK 0 was lost
          continue;
        }
        TftpPacket.Data d = (TftpPacket.Data) p;
        if (d.block() != (int) (expected & 0xffff)) {
          if (windowStart != -1) { // a gap: acknowledge the last block in order, once
            windowStart = -1;
            send(s, new TftpPacket.Ack(lastAcked = (int) ((expected - 1) & 0xffff)), tid);
          }
          continue;
        }
        if (windowStart == -1) {
          windowStart = expected;
        }
        out.writeBytes(d.payload());
        expected++;
        boolean last = d.payload().length < blksize;
        if (last || expected - windowStart == WINDOW) {
          windowStart = expected;
          send(s, new TftpPacket.Ack(lastAcked = d.block()), tid);
          if (last) {
            if (dally) {
              dally(s, in, tid, lastAcked);
            }
            return out.toByteArray();
          }
        }
      }
    }
  }

  /** After the last ACK, answer a resent last window (our final ACK was lost) for a short while, like tftp-hpa. */
  static void dally(DatagramSocket s, DatagramPacket in, InetSocketAddress tid, int lastAcked) throws Exception {
    s.setSoTimeout(1_500);
    for (int i = 0; i < 5; i++) {
      try {
        s.receive(in);
      } catch (SocketTimeoutException e) {
        return;
      }
      if (tid.equals(in.getSocketAddress())) {
        send(s, new TftpPacket.Ack(lastAcked), tid);
      }
    }
  }

  static void send(DatagramSocket s, TftpPacket p, InetSocketAddress to) throws Exception {
    byte[] b = TftpCodec.encode(p);
    s.send(new DatagramPacket(b, b.length, to));
  }
}
