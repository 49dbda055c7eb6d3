package dev.bootline.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a Jetty {@link SslContextFactory.Server} on the PEM certificate and key files: a virtual thread looks at the
 * files' content every {@code interval} and, when it changed and both files parse and belong together, swaps the key
 * store with {@link SslContextFactory#reload}. Established connections keep their session; new handshakes get the new
 * certificate. A half-written rotation (new cert, old key) is skipped until the pair matches again.
 *
 * <p>Content is compared (a digest of both files), not modification times: cert-manager and certbot swap symlinks,
 * and a copy within the same second keeps the mtime.
 */
public final class TlsReloader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TlsReloader.class);

  private final Path certFile;
  private final Path keyFile;
  private final Duration interval;
  private final SslContextFactory.Server factory;
  private final AtomicInteger reloads = new AtomicInteger();
  private volatile byte[] digest;
  private volatile Thread watcher;

  /** Loads the files now (throwing if they are unusable) and configures {@code factory} with them. */
  public TlsReloader(Path certFile, Path keyFile, Duration interval) throws IOException, GeneralSecurityException {
    this.certFile = Objects.requireNonNull(certFile);
    this.keyFile = Objects.requireNonNull(keyFile);
    this.interval = Objects.requireNonNull(interval);
    byte[] d = digest();
    PemKeyStore.Loaded loaded = PemKeyStore.load(certFile, keyFile);
    this.factory = new SslContextFactory.Server();
    factory.setKeyStore(loaded.keyStore());
    factory.setKeyStorePassword(new String(PemKeyStore.PASSWORD));
    factory.setCertAlias(PemKeyStore.ALIAS);
    this.digest = d;
    log.info("TLS certificate {} (serial {})", loaded.leaf().getSubjectX500Principal(), loaded.leaf().getSerialNumber().toString(16));
  }

  public SslContextFactory.Server sslContextFactory() {
    return factory;
  }

  /** Starts watching (call once the factory is started with its server). */
  public synchronized void start() {
    if (watcher == null) {
      watcher = Thread.ofVirtual().name("tls-reload").start(this::watch);
    }
  }

  /** How many times a changed certificate was installed. */
  public int reloads() {
    return reloads.get();
  }

  /** Looks at the files once; returns true when a new certificate was installed. */
  public boolean checkNow() {
    byte[] d;
    try {
      d = digest();
    } catch (IOException e) {
      log.warn("TLS files unreadable, keeping the current certificate: {}", e.toString());
      return false;
    }
    if (Arrays.equals(d, digest)) {
      return false;
    }
    PemKeyStore.Loaded loaded;
    try {
      loaded = PemKeyStore.load(certFile, keyFile);
    } catch (IOException | GeneralSecurityException e) {
      // maybe mid-rotation (certificate written, key not yet): try again next round, keep serving the old one
      log.warn("TLS files changed but are not usable yet, keeping the current certificate: {}", e.getMessage());
      return false;
    }
    try {
      factory.reload(f -> f.setKeyStore(loaded.keyStore()));
    } catch (Exception e) {
      log.error("TLS reload failed, keeping the current certificate", e);
      return false;
    }
    digest = d;
    reloads.incrementAndGet();
    log.info("TLS certificate reloaded: {} (serial {})", loaded.leaf().getSubjectX500Principal(), loaded.leaf().getSerialNumber().toString(16));
    return true;
  }

  private void watch() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(interval);
      } catch (InterruptedException e) {
        return;
      }
      checkNow();
    }
  }

  private byte[] digest() throws IOException {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(Files.readAllBytes(certFile));
      md.update((byte) 0);
      md.update(Files.readAllBytes(keyFile));
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public synchronized void close() {
    if (watcher != null) {
      watcher.interrupt();
      watcher = null;
    }
  }
}
