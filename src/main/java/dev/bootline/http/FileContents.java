package dev.bootline.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.http.content.HttpContent;

/**
 * Jetty's view of a served file (length, Last-Modified, ETag, type) kept per real path while the file stays the same
 * one: same file key (device and inode), size and modification time, checked with one {@code lstat} per request.
 * Jetty's own content re-reads the file's attributes for every header it builds (several {@code stat}s, a date
 * formatted and an ETag encoded per request). Only the headers' inputs are kept; the body is still read from the file.
 */
final class FileContents {
  private record Entry(Object fileKey, long size, FileTime modified, HttpContent content) {
    boolean sameFile(BasicFileAttributes a) {
      return Objects.equals(fileKey, a.fileKey()) && size == a.size() && modified.equals(a.lastModifiedTime());
    }
  }

  private final HttpContent.Factory factory;
  private final int maxFiles;
  private final ConcurrentHashMap<Path, Entry> byPath = new ConcurrentHashMap<>();

  FileContents(HttpContent.Factory factory, int maxFiles) {
    this.factory = factory;
    this.maxFiles = maxFiles;
  }

  /**
   * The content of the regular file at {@code real} (a real path) whose attributes, read without following links, are
   * {@code a} (read by the caller for this request), or null if it is not servable.
   */
  HttpContent get(Path real, BasicFileAttributes a) throws IOException {
    Entry e = byPath.get(real);
    if (e != null && e.sameFile(a)) {
      return e.content;
    }
    HttpContent fresh = factory.getContent(real.toString());
    if (fresh == null || !a.isRegularFile()) {
      byPath.remove(real);
      return fresh;
    }
    HttpContent fixed = new Fixed(fresh);
    if (byPath.size() >= maxFiles) {
      byPath.clear(); // a boot server serves a handful of files; past that, start over rather than track recency
    }
    // keyed by the attributes read before the content: if the file changed in between, the next request replaces it
    byPath.put(real, new Entry(a.fileKey(), a.size(), a.lastModifiedTime(), fixed));
    return fixed;
  }

  /** Files currently known (for tests). */
  int size() {
    return byPath.size();
  }

  /** The wrapped content's header fields, computed once. */
  private static final class Fixed extends HttpContent.Wrapper {
    private final HttpField contentType;
    private final HttpField contentLength;
    private final long length;
    private final HttpField lastModified;
    private final Instant lastModifiedInstant;
    private final HttpField etag;

    Fixed(HttpContent c) {
      super(c);
      HttpField type = c.getContentType();
      this.contentType = type == null ? null : new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, type.getValue());
      this.length = c.getContentLengthValue();
      this.contentLength = length < 0 ? null : new PreEncodedHttpField(HttpHeader.CONTENT_LENGTH, Long.toString(length));
      HttpField lm = c.getLastModified();
      this.lastModified = lm == null ? null : new PreEncodedHttpField(HttpHeader.LAST_MODIFIED, lm.getValue());
      this.lastModifiedInstant = c.getLastModifiedInstant();
      HttpField tag = c.getETag();
      this.etag = tag == null ? null : new PreEncodedHttpField(HttpHeader.ETAG, tag.getValue());
    }

    @Override
    public HttpField getContentType() {
      return contentType;
    }

    @Override
    public HttpField getContentLength() {
      return contentLength;
    }

    @Override
    public long getContentLengthValue() {
      return length;
    }

    @Override
    public HttpField getLastModified() {
      return lastModified;
    }

    @Override
    public Instant getLastModifiedInstant() {
      return lastModifiedInstant;
    }

    @Override
    public HttpField getETag() {
      return etag;
    }
  }
}
