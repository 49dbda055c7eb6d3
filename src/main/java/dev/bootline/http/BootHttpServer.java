package dev.bootline.http;

import dev.bootline.boot.IpxeCatalog;
import dev.bootline.config.BootlineConfig;
import dev.bootline.wire.MacAddress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.http.content.HttpContent;
import org.eclipse.jetty.http.content.ResourceHttpContentFactory;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.ResourceService;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.URIUtil;
import org.eclipse.jetty.util.thread.Invocable.InvocationType;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The boot plane over HTTP: per-MAC netboot directories ({@code /mac/<mac>/<file>}, MAC in any notation), the iPXE
 * binaries ({@code /ipxe/<mac>/<name>}), and whatever extra routes the daemon mounts (events). GET and HEAD with
 * Content-Length, Range, ETag and Last-Modified come from Jetty's ResourceService; never a redirect (UEFI HTTP boot
 * cannot follow one).
 */
public final class BootHttpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BootHttpServer.class);

  /**
   * An extra route: returns true when it handled the request. Routes run on a virtual thread, so they may block; a
   * request no route {@link #mayHandle may handle} is a file fetch and is served on the selector thread (see
   * {@link InPlace}).
   */
  @FunctionalInterface
  public interface Route {
    boolean handle(Request request, Response response, Callback callback) throws Exception;

    /**
     * False when this route surely would not handle {@code request} (decided from the request line alone, without
     * blocking). The default, true, sends every request through the route on a virtual thread.
     */
    default boolean mayHandle(Request request) {
      return true;
    }
  }

  /**
   * Told about every file served (for events); called on the request's or the writing thread. States: {@code init}
   * (before the first byte), {@code sending} (at most once per second while bytes go out, so a fast fetch has none),
   * {@code complete}, {@code error}
   * (not found, or the connection failed midway). {@code total} is the file's size (-1 when unknown).
   */
  @FunctionalInterface
  public interface FetchListener {
    void fetched(Optional<MacAddress> mac, String remote, String path, long sent, long total, String state);
  }

  /** A {@code boot.efi} fetch is a unified kernel image (dhcpv6macd journals it as {@code http_fetch_uki}). */
  public static boolean isUki(String path) {
    return path.equals("boot.efi") || path.endsWith("/boot.efi");
  }

  /**
   * File bodies not written from a mapping (TLS, small files) are copied in chunks of this size through pooled direct
   * buffers: one read and one socket write per chunk, no heap-to-direct copy. (Jetty's default, a fresh 8 KiB heap
   * buffer per chunk, ran at ~0.25x nginx.)
   */
  static final int FILE_CHUNK = 256 * 1024;

  /**
   * A fetch reports {@code sending} at most this often: a slow multi-GiB download still shows progress, while a 1 MiB
   * fetch journals just {@code init} and {@code complete} (by tenths it was 11 journaled, fsynced events per fetch).
   */
  static final java.time.Duration PROGRESS_EVERY = java.time.Duration.ofSeconds(1);

  private final Server server;
  private final Optional<Path> netbootDir;
  private final IpxeCatalog ipxe;
  private final ResourceService files = new ResourceService();
  private final ResourceHttpContentFactory contentFactory;
  /** Headers' inputs (length, dates, ETag) per file, checked with one lstat per request. */
  private final FileContents contents;
  /** Whole-file mappings reused across requests (plain HTTP bodies of 256 KiB and more). */
  private final FileMappings mappings = new FileMappings(256, 16L << 30);
  private final SafePaths safePaths = new SafePaths();
  private volatile long progressEveryNanos = PROGRESS_EVERY.toNanos();
  private final List<Route> routes = new ArrayList<>();
  private final FetchListener listener;
  /** When file fetches are handled on the selector thread, and when (after a slow call) they go to virtual threads. */
  private final InPlace inPlace = new InPlace();
  /** Virtual threads: extra routes, TLS, and file fetches while {@link #inPlace} is backing off. */
  private final java.util.concurrent.Executor blocking;
  private final List<ServerConnector> plain = new ArrayList<>();
  private final List<ServerConnector> secure = new ArrayList<>();
  private TlsReloader tls;
  private final java.util.concurrent.atomic.AtomicInteger activeFetches = new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.LongAdder bytesSent = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder bytesSentByFile = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder bodiesCorked = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder fetchesComplete = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder fetchesFailed = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder fetchesNotFound = new java.util.concurrent.atomic.LongAdder();

  public BootHttpServer(
      List<BootlineConfig.ListenAddress> listen, Optional<Path> netbootDir, IpxeCatalog ipxe, FetchListener listener) {
    this.netbootDir = netbootDir;
    this.ipxe = ipxe;
    // every listener call is timed: a journal that stops taking events must not hold a selector thread (InPlace)
    this.listener = (mac, remote, path, sent, total, state) -> {
      long t0 = System.nanoTime();
      try {
        listener.fetched(mac, remote, path, sent, total, state);
      } finally {
        inPlace.took(System.nanoTime() - t0, "the fetch listener (event journal)");
      }
    };
    this.server = Jetty.onPlatformSelectors("http");
    this.blocking = Jetty.virtualThreads(server);
    for (BootlineConfig.ListenAddress a : listen) {
      plain.add(Jetty.bind(SendfileEndPoint.connector(server, bytesSentByFile, bodiesCorked), a));
    }
    MimeTypes.Mutable mime = new MimeTypes.Mutable(MimeTypes.DEFAULTS);
    mime.addMimeMapping("efi", "application/efi");
    mime.addMimeMapping("ipxe", "text/plain; charset=utf-8");
    mime.addMimeMapping("kpxe", "application/octet-stream");
    mime.addMimeMapping("pxe", "application/octet-stream");
    mime.addMimeMapping("iso", "application/x-iso9660-image");
    mime.addMimeMapping("img", "application/octet-stream");
    this.contentFactory =
        new ResourceHttpContentFactory(
            ResourceFactory.root().newResource(Path.of("/")), mime,
            new ByteBufferPool.Sized(new ArrayByteBufferPool(0, FILE_CHUNK, FILE_CHUNK), true, FILE_CHUNK));
    files.setHttpContentFactory(contentFactory);
    this.contents = new FileContents(contentFactory, 1024);
    files.setAcceptRanges(true);
    files.setEtags(true);
    files.setDirAllowed(false);
    // NON_BLOCKING: Jetty calls this on the selector thread that parsed the request, without a hand-off
    server.setHandler(new Handler.Abstract(InvocationType.NON_BLOCKING) {
      @Override
      public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (servesInPlace(request)) {
          inPlace.served.increment();
          return route(request, response, callback);
        }
        // Completions of this request's writes may block too (the fetch listener): BLOCKING makes Jetty run them
        // on a pool thread instead of the selector.
        Callback offSelector = new Callback.Nested(callback) {
          @Override
          public InvocationType getInvocationType() {
            return InvocationType.BLOCKING;
          }
        };
        blocking.execute(() -> {
          try {
            route(request, response, offSelector);
          } catch (Throwable x) {
            offSelector.failed(x);
          }
        });
        return true;
      }
    });
  }

  /** Mounts an extra route, tried before the file routes (call before {@link #start()}). */
  public void addRoute(Route r) {
    routes.add(r);
  }

  /**
   * Serves the same routes over HTTPS on {@code listen} with the certificate {@code reloader} keeps current (call before
   * {@link #start()}; the reloader is started with the server and closed with it).
   */
  public void enableTls(List<BootlineConfig.ListenAddress> listen, TlsReloader reloader) {
    if (tls != null) {
      throw new IllegalStateException("TLS already enabled");
    }
    tls = reloader;
    HttpConfiguration config = new HttpConfiguration();
    SecureRequestCustomizer secureCustomizer = new SecureRequestCustomizer();
    // boot firmware connects by IP address and sends no SNI; the certificate's names are the client's business
    secureCustomizer.setSniHostCheck(false);
    config.addCustomizer(secureCustomizer);
    for (BootlineConfig.ListenAddress a : listen) {
      secure.add(Jetty.listen(server, a,
          new SslConnectionFactory(reloader.sslContextFactory(), HttpVersion.HTTP_1_1.asString()),
          new HttpConnectionFactory(config)));
    }
  }

  public void start() throws Exception {
    server.start();
    if (tls != null) {
      tls.start();
    }
    log.info("HTTP boot plane listening on {}{}", ports(), secure.isEmpty() ? "" : ", HTTPS on " + tlsPorts());
  }

  /** File fetches (mac/ and ipxe/ routes) whose response has not completed or failed yet. */
  public int activeFetches() {
    return activeFetches.get();
  }

  /** Body bytes of file fetches that ended (completed or failed midway). */
  public long bytesSent() {
    return bytesSent.sum();
  }

  /** Body bytes that went out by sendfile (plain HTTP, large files), a part of {@link #bytesSent()}. */
  public long bytesSentByFile() {
    return bytesSentByFile.sum();
  }

  /** Sendfile bodies sent under TCP_CORK (header and body in full segments), counted as each is uncorked. */
  public long bodiesCorked() {
    return bodiesCorked.sum();
  }

  /** File fetches that ended, by result: {@code complete}, {@code error} (failed midway), {@code not_found}. */
  public Map<String, Long> fetchesByResult() {
    return Map.of("complete", fetchesComplete.sum(), "error", fetchesFailed.sum(), "not_found", fetchesNotFound.sum());
  }

  /** The bound plain-HTTP ports (useful when a listen address asked for port 0). */
  public List<Integer> ports() {
    return plain.stream().map(ServerConnector::getLocalPort).toList();
  }

  /** The bound HTTPS ports. */
  public List<Integer> tlsPorts() {
    return secure.stream().map(ServerConnector::getLocalPort).toList();
  }

  /**
   * Plain-HTTP requests that no extra route may handle (file fetches, 404s, /healthz) are served on the selector
   * thread, unless {@link #inPlace} is backing off after a slow call. TLS requests are not: the record encryption
   * and the buffered file copy of a TLS body are CPU work that would hold the selector's other connections.
   */
  private boolean servesInPlace(Request request) {
    if (!IN_PLACE || request.isSecure() || !inPlace.allowed()) {
      return false;
    }
    for (Route r : routes) {
      if (r.mayHandle(request)) {
        return false;
      }
    }
    return true;
  }

  /** Requests handled on the selector thread since start (tests, metrics). */
  long requestsInPlace() {
    return inPlace.served.sum();
  }

  /** Times {@link InPlace} backed off to virtual threads (tests, metrics). */
  long inPlaceBackOffs() {
    return inPlace.backOffs.sum();
  }

  /** Tests: treat a call as slow from {@code slow} on. */
  void slowCall(java.time.Duration slow) {
    inPlace.slowNanos = slow.toNanos();
  }

  /**
   * {@code -Dbootline.http.inPlace=false} sends every request to a virtual thread as before this existed: for A/B runs
   * of one build ({@code bench/files/ab A_OPTS=-Dbootline.http.inPlace=false}) until a quiet-machine figure decides.
   */
  static final boolean IN_PLACE = !"false".equals(System.getProperty("bootline.http.inPlace"));

  private boolean route(Request request, Response response, Callback callback) throws Exception {
    for (Route r : routes) {
      if (r.handle(request, response, callback)) {
        return true;
      }
    }
    String method = request.getMethod();
    String path = URIUtil.decodePath(request.getHttpURI().getPath());
    if (!HttpMethod.GET.is(method) && !HttpMethod.HEAD.is(method)) {
      return error(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "bootline serves GET and HEAD only");
    }
    if (path.equals("/healthz")) {
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
      response.write(true, java.nio.ByteBuffer.wrap("ok\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)), callback);
      return true;
    }
    String remote = Request.getRemoteAddr(request);
    Optional<MacRoute> mr = MacRoute.parse(path);
    if (mr.isEmpty()) {
      return error(request, response, callback, HttpStatus.NOT_FOUND_404, "not found");
    }
    MacRoute m = mr.get();
    Optional<SafePaths.Resolved> file =
        switch (m.area()) {
          case "mac" -> netbootDir.flatMap(dir -> safePaths.resolve(dir.resolve(m.mac().toString()), m.rest()));
          // Debian's iPXE binaries are symlinks (/usr/lib/ipxe/ipxe.efi -> /boot/ipxe.efi): serve the file itself,
          // resolved per request so an upgraded link target is picked up, as SafePaths does for netboot files
          case "ipxe" -> ipxe.resolve(m.rest()).flatMap(BootHttpServer::realPath);
          default -> Optional.empty();
        };
    if (file.isEmpty()) {
      fetchesNotFound.increment();
      listener.fetched(Optional.of(m.mac()), remote, m.area() + "/" + m.rest(), 0, -1, "error");
      return error(request, response, callback, HttpStatus.NOT_FOUND_404, "not found");
    }
    HttpContent found = contents.get(file.get().real(), file.get().attributes());
    if (found == null) {
      fetchesNotFound.increment();
      return error(request, response, callback, HttpStatus.NOT_FOUND_404, "not found");
    }
    // plain HTTP writes large bodies from a mapping of the file; TLS keeps the buffered copy (see MappedFileContent)
    HttpContent content = request.isSecure() ? found : new MappedFileContent(found, file.get(), mappings,
        request.getConnectionMetaData().getConnection().getEndPoint() instanceof SendfileEndPoint s ? s : null);
    long size = content.getContentLengthValue();
    String name = m.area() + "/" + m.rest();
    listener.fetched(Optional.of(m.mac()), remote, name, 0, size, "init");
    CountingResponse counting = new CountingResponse(request, response, (sent, state) ->
        listener.fetched(Optional.of(m.mac()), remote, name, sent, size, state), size, progressEveryNanos);
    activeFetches.incrementAndGet();
    java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
    try {
      files.doGet(request, counting, new Callback.Nested(callback) {
        @Override
        public void succeeded() {
          if (ended.compareAndSet(false, true)) {
            activeFetches.decrementAndGet();
            fetchesComplete.increment();
            bytesSent.add(counting.sent());
          }
          listener.fetched(Optional.of(m.mac()), remote, name, counting.sent(), size, "complete");
          super.succeeded();
        }

        @Override
        public void failed(Throwable x) {
          if (ended.compareAndSet(false, true)) {
            activeFetches.decrementAndGet();
            fetchesFailed.increment();
            bytesSent.add(counting.sent());
          }
          listener.fetched(Optional.of(m.mac()), remote, name, counting.sent(), size, "error");
          super.failed(x);
        }
      }, content);
    } catch (Exception | Error e) {
      if (ended.compareAndSet(false, true)) {
        activeFetches.decrementAndGet();
        fetchesFailed.increment();
      }
      throw e;
    }
    return true;
  }

  /**
   * Whether file fetches run on the selector thread. Nothing in a fetch parks: the path checks are a few
   * {@code lstat}/{@code readlink} calls, answered from the kernel's dentry cache for a local netboot directory (nginx
   * makes the same calls in its event loop; a netboot directory on a network filesystem that hangs would hold the
   * selector, as it holds an nginx worker); the header inputs and the mapping are cached ({@link FileContents},
   * {@link FileMappings}: a short {@code synchronized} section, an {@code mmap} once per file); the fetch listener
   * journals an event by handing it to the journal's writer thread ({@code EventLog.record}: a lock held for
   * microseconds, a non-blocking queue offer), which waits only when that queue is full, i.e. when the disk has stopped
   * taking writes: up to 100 ms per event there. That wait is the one known way a fetch can park, so every listener
   * call is timed: one slower than {@link #slowNanos} sends fetches to virtual threads for {@link #BACK_OFF}, and each
   * later slow call extends that. (The whole set-up is not timed: the first fetch after start spends ~100 ms loading
   * classes, which is not a wait.)
   */
  static final class InPlace {
    static final java.time.Duration BACK_OFF = java.time.Duration.ofSeconds(10);
    /** Far above a page-cached lstat or a journal hand-off (microseconds), below the journal's 100 ms full-queue wait. */
    volatile long slowNanos = java.time.Duration.ofMillis(50).toNanos();
    private volatile long backOffUntil;
    private volatile boolean backingOff;
    final java.util.concurrent.atomic.LongAdder served = new java.util.concurrent.atomic.LongAdder();
    final java.util.concurrent.atomic.LongAdder backOffs = new java.util.concurrent.atomic.LongAdder();

    boolean allowed() {
      return !backingOff || System.nanoTime() - backOffUntil >= 0;
    }

    void took(long nanos, String what) {
      if (nanos < slowNanos) {
        return;
      }
      boolean wasAllowed = allowed();
      backOffUntil = System.nanoTime() + BACK_OFF.toNanos();
      backingOff = true;
      if (wasAllowed) {
        backOffs.increment();
        log.warn("{} took {} ms: file fetches go to virtual threads for the next {} s instead of the selector thread",
            what, nanos / 1_000_000, BACK_OFF.toSeconds());
      }
    }
  }

  /** Tests: report {@code sending} at most this often instead of {@link #PROGRESS_EVERY}. */
  void progressEvery(java.time.Duration every) {
    progressEveryNanos = every.toNanos();
  }

  /** Counts body bytes as their writes complete and reports {@code sending} at most once per {@code everyNanos}. */
  static final class CountingResponse extends Response.Wrapper {
    interface Progress {
      void report(long sent, String state);
    }

    private final java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong lastReport;
    private final Progress progress;
    private final long total;
    private final long everyNanos;
    /** A HEAD response's body is dropped by Jetty after these writes: nothing is sent, so nothing is counted. */
    private final boolean head;

    CountingResponse(Request request, Response wrapped, Progress progress, long total, long everyNanos) {
      super(request, wrapped);
      this.head = HttpMethod.HEAD.is(request.getMethod());
      this.progress = progress;
      this.total = total;
      this.everyNanos = everyNanos;
      this.lastReport = new java.util.concurrent.atomic.AtomicLong(System.nanoTime()); // "init" was just reported
    }

    long sent() {
      return sent.get();
    }

    @Override
    public void write(boolean last, java.nio.ByteBuffer content, Callback callback) {
      int n = content == null || head ? 0 : content.remaining();
      // count before passing success on: the next write (and the final "complete") may run inside succeeded()
      super.write(last, content, new Callback.Nested(callback) {
        @Override
        public void succeeded() {
          advance(n);
          super.succeeded();
        }
      });
    }

    private void advance(int n) {
      long now = sent.addAndGet(n);
      if (total <= 0 || now >= total) {
        return; // "complete" follows
      }
      long t = System.nanoTime();
      long before = lastReport.get();
      if (t - before >= everyNanos && lastReport.compareAndSet(before, t)) {
        progress.report(now, "sending");
      }
    }
  }

  private static boolean error(Request request, Response response, Callback callback, int status, String message) {
    Response.writeError(request, response, callback, status, message);
    return true;
  }

  /** {@code /mac/<mac>/<rest>} or {@code /ipxe/<mac>/<rest>}, MAC in any common notation. */
  record MacRoute(String area, MacAddress mac, String rest) {
    static Optional<MacRoute> parse(String path) {
      if (path == null || !path.startsWith("/")) {
        return Optional.empty();
      }
      int a = path.indexOf('/', 1);
      if (a < 0) {
        return Optional.empty();
      }
      int b = path.indexOf('/', a + 1);
      if (b < 0) {
        return Optional.empty();
      }
      String area = path.substring(1, a);
      if (!area.equals("mac") && !area.equals("ipxe")) {
        return Optional.empty();
      }
      return MacAddress.parse(path.substring(a + 1, b)).map(mac -> new MacRoute(area, mac, path.substring(b + 1)));
    }
  }

  @Override
  public void close() throws Exception {
    if (tls != null) {
      tls.close();
    }
    server.stop();
    mappings.close();
  }

  private static Optional<SafePaths.Resolved> realPath(Path p) {
    try {
      return Optional.of(SafePaths.followed(p));
    } catch (IOException | SecurityException e) {
      return Optional.empty();
    }
  }
}
