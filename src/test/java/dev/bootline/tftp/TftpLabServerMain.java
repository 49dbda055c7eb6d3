package dev.bootline.tftp;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * The TFTP server as a process for {@link TftpRealClientsLabIT}: {@code root port} serves {@code root} on {@code
 * [::]:port} (dual-stack, like the daemon) over the FFM packet-info socket, blksize capped per arrival interface
 * (the 9000 in the config is only the fallback for an unknown interface). Runs only inside the namespace the test creates; prints {@code READY} once bound, journals
 * events on stdout, runs until killed.
 */
public final class TftpLabServerMain {
  private TftpLabServerMain() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    int port = Integer.parseInt(args[1]);
    var config =
        new TftpServer.Config(
            List.of(new InetSocketAddress("::", port)),
            Integer.parseInt(System.getProperty("lab.maxTransfers", "100")),
            9000,
            ReadTransfer.Settings.DEFAULTS);
    TftpEvents events =
        new TftpEvents() {
          @Override
          public void transferStarted(TransferStarted e) {
            System.out.println(
                "EVENT started " + e.requestedName() + " client=" + e.client() + " blksize=" + e.blockSize()
                    + " windowsize=" + e.windowSize() + " size=" + e.size());
          }

          @Override
          public void transferFailed(TransferFailed e) {
            System.out.println("EVENT failed " + e);
          }

          @Override
          public void requestRefused(RequestRefused e) {
            System.out.println("EVENT refused " + e);
          }
        };
    TftpServer server =
        new TftpServer(
            config, new TftpPathResolver(root), events, DatagramEndpoint.Factory.PKTINFO,
            InterfaceMtu.system(5_000_000_000L));
    server.start();
    System.out.println("READY " + server.boundAddresses());
    System.out.flush();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("COUNTERS " + server.counters())));
    Thread.currentThread().join();
  }
}
