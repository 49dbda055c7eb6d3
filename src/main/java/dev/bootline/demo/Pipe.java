package dev.bootline.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * {@code java -cp bootline.jar dev.bootline.demo.Pipe HOST PORT}: connects to HOST:PORT and copies stdin to the
 * socket and the socket to stdout. The demo runs it inside the lab namespace per forwarded connection, so the admin
 * page is reachable from the host's loopback without giving the host any interface in the lab.
 */
public final class Pipe {
  private Pipe() {}

  public static void main(String[] args) throws Exception {
    try (Socket s = new Socket(args[0], Integer.parseInt(args[1]))) {
      Thread up = Thread.ofVirtual().start(() -> copy(System.in, out(s), s));
      copy(s.getInputStream(), System.out, null);
      up.interrupt();
    }
  }

  private static OutputStream out(Socket s) {
    try {
      return s.getOutputStream();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void copy(InputStream in, OutputStream out, Socket halfClose) {
    byte[] buf = new byte[16384];
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
      }
      if (halfClose != null) {
        halfClose.shutdownOutput();
      }
    } catch (IOException ignored) {
      // the other side went away: the connection is over
    }
  }
}
