package dev.ingest.s3;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The children of a folder, one ListObjectsV2 page at a time (delimiter "/"): objects directly
 * under the prefix are files, common prefixes are folders. Each path carries what the listing
 * said about it, so that {@code Files.isRegularFile}, {@code Files.size} and {@code
 * Files.readAttributes} on it ask the store nothing. The store lists in key order (UTF-8 bytes).
 *
 * <p>The first page is fetched by the provider before the stream is returned, so that a missing
 * bucket or folder fails {@code newDirectoryStream} itself; a later page that fails surfaces as a
 * {@link DirectoryIteratorException}.
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * One thread at a time, and one iterator, as for every {@link DirectoryStream}.
 */
final class S3DirectoryStream implements DirectoryStream<Path> {
  /** Entries per page: the most S3 returns. */
  static final int PAGE_SIZE = 1000;

  private final S3Bucket bucket;
  private final S3Path folder;
  private final String prefix;
  private final Filter<? super Path> filter;
  private final ListObjectsV2Response firstPage;
  private boolean iterated;
  private boolean closed;

  S3DirectoryStream(S3Bucket bucket, S3Path folder, ListObjectsV2Response firstPage,
      Filter<? super Path> filter) {
    this.bucket = bucket;
    this.folder = folder;
    this.prefix = S3Bucket.prefixOf(folder);
    this.firstPage = firstPage;
    this.filter = filter;
  }

  /** Whether the page lists anything in the folder other than the folder's own marker object. */
  static boolean hasChildren(ListObjectsV2Response page, String prefix) {
    return !page.commonPrefixes().isEmpty()
        || page.contents().stream().anyMatch(object -> !object.key().equals(prefix));
  }

  @Override
  public Iterator<Path> iterator() {
    if (closed) {
      throw new IllegalStateException("directory stream closed: " + folder);
    }
    if (iterated) {
      throw new IllegalStateException("directory stream already iterated: " + folder);
    }
    iterated = true;
    return new Children();
  }

  @Override
  public void close() {
    closed = true;
  }

  private final class Children implements Iterator<Path> {
    private final ArrayDeque<Path> ready = new ArrayDeque<>();
    private ListObjectsV2Response page = firstPage;

    Children() {
      take(firstPage);
    }

    @Override
    public boolean hasNext() {
      while (ready.isEmpty() && !closed && Boolean.TRUE.equals(page.isTruncated())
          && page.nextContinuationToken() != null) {
        try {
          page = bucket.listPage(folder, page.nextContinuationToken(), PAGE_SIZE);
        } catch (IOException e) {
          throw new DirectoryIteratorException(e);
        }
        take(page);
      }
      return !ready.isEmpty() && !closed;
    }

    @Override
    public Path next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return ready.poll();
    }

    // Objects and prefixes come in two lists, each in key order; merged, the children are in
    // key order too.
    private void take(ListObjectsV2Response listed) {
      Iterator<S3Object> objects = listed.contents().iterator();
      Iterator<CommonPrefix> prefixes = listed.commonPrefixes().iterator();
      S3Object object = objects.hasNext() ? objects.next() : null;
      CommonPrefix common = prefixes.hasNext() ? prefixes.next() : null;
      while (object != null || common != null) {
        if (common == null || object != null && object.key().compareTo(common.prefix()) < 0) {
          offer(object.key(), S3ObjectAttributes.object(object.size(), object.eTag(),
              object.lastModified()));
          object = objects.hasNext() ? objects.next() : null;
        } else {
          offer(common.prefix(), S3ObjectAttributes.folder());
          common = prefixes.hasNext() ? prefixes.next() : null;
        }
      }
    }

    private void offer(String key, S3ObjectAttributes attributes) {
      String name = key.substring(prefix.length());
      if (name.endsWith("/")) {
        name = name.substring(0, name.length() - 1);
      }
      // The folder's own marker object ("dir/"), and keys a path cannot name ("dir//x").
      if (name.isEmpty() || name.indexOf('/') >= 0) {
        return;
      }
      S3Path child = new S3Path(folder.getFileSystem(),
          folder.toAbsolutePath().pathString() + (prefix.isEmpty() ? "" : "/") + name, attributes);
      try {
        if (filter == null || filter.accept(child)) {
          ready.add(child);
        }
      } catch (IOException e) {
        throw new DirectoryIteratorException(e);
      }
    }
  }
}
