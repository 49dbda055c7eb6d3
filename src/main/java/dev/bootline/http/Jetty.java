package dev.bootline.http;

import dev.bootline.config.BootlineConfig;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.VirtualThreadPool;

/** The Jetty set-up both HTTP planes share: every request on a virtual thread, connectors from listen addresses. */
final class Jetty {
  private Jetty() {}

  static Server onVirtualThreads(String name) {
    VirtualThreadPool pool = new VirtualThreadPool();
    pool.setName(name);
    return new Server(pool);
  }

  /**
   * Selectors and acceptors on platform threads, request handling on virtual threads. With everything on virtual
   * threads ({@link #onVirtualThreads}) the selector's {@code epoll_wait} is itself parked on the JDK's poller: every
   * readiness change goes master poller → sub-poller → selector → request, each hop a virtual thread waiting for one of
   * the (two) carriers, and under 50 busy connections the boot plane idled at ~0.6 of a core while requests queued.
   */
  static Server onPlatformSelectors(String name) {
    QueuedThreadPool pool = new QueuedThreadPool(64, 4);
    pool.setName(name);
    pool.setVirtualThreadsExecutor(java.util.concurrent.Executors.newThreadPerTaskExecutor(
        Thread.ofVirtual().name(name + "-v", 0).factory()));
    return new Server(pool);
  }

  /** The virtual-thread executor of a server made by {@link #onPlatformSelectors}, for work that may block. */
  static java.util.concurrent.Executor virtualThreads(Server server) {
    return ((QueuedThreadPool) server.getThreadPool()).getVirtualThreadsExecutor();
  }

  /** Adds a connector for {@code a} (empty host = all addresses); no factories means plain HTTP/1.1. */
  static ServerConnector listen(Server server, BootlineConfig.ListenAddress a, ConnectionFactory... factories) {
    return bind(factories.length == 0 ? new ServerConnector(server) : new ServerConnector(server, factories), a);
  }

  /** Binds an already made connector to {@code a} and adds it to its server. */
  static ServerConnector bind(ServerConnector c, BootlineConfig.ListenAddress a) {
    Server server = c.getServer();
    if (!a.host().isEmpty()) {
      c.setHost(a.host());
    }
    c.setPort(a.port());
    server.addConnector(c);
    return c;
  }
}
