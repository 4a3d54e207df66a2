package dev.ingest.s3;

import java.nio.file.ClosedFileSystemException;
import java.nio.file.FileStore;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * One bucket of one store, with its settings and its own client: the paths are the bucket's keys
 * ({@code /} is the bucket root), and closing the file system closes the client and ends its
 * threads. {@link S3FileSystemProvider} keeps one per bucket and settings.
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * Thread-safe. After {@link #close()}, every operation on its paths that would reach the store
 * throws {@link ClosedFileSystemException}; path algebra still works, as on the JDK's file
 * systems.
 */
public final class S3FileSystem extends java.nio.file.FileSystem {
  private final S3FileSystemProvider provider;
  private final String bucketName;
  private final S3Settings settings;
  private final S3Clients clients;
  private final S3Bucket bucket;
  private final ReadChannels readChannels;
  private final AtomicInteger learnedReadAheadDepth = new AtomicInteger();
  private final S3Path root;
  private volatile boolean open = true;

  S3FileSystem(S3FileSystemProvider provider, String bucketName, S3Settings settings,
      ReadChannels readChannels) {
    this.provider = provider;
    this.bucketName = bucketName;
    this.settings = settings;
    this.readChannels = readChannels;
    this.clients = S3Clients.open(settings, bucketName);
    this.bucket = new S3Bucket(bucketName, clients.client(), settings);
    this.root = new S3Path(this, "/");
  }

  /** The bucket whose keys this file system's paths are. */
  public String bucket() {
    return bucketName;
  }

  /** The settings this file system was opened with. */
  public S3Settings settings() {
    return settings;
  }

  /** The store, for path equality: two buckets of the same name in two stores differ. */
  String storeId() {
    return settings.endpointForMessages();
  }

  /** The bucket root, {@code s3://bucket/}. */
  S3Path root() {
    return root;
  }

  S3Bucket requests() {
    checkOpen();
    return bucket;
  }

  S3AsyncClient client() {
    checkOpen();
    return clients.client();
  }

  ReadChannels readChannels() {
    return readChannels;
  }

  /**
   * The deepest read-ahead depth this file system's adaptive channels grew to: where the next one
   * starts (see {@link DepthTuner}). One store's latency is one store's, whichever object is read.
   */
  AtomicInteger learnedReadAheadDepth() {
    return learnedReadAheadDepth;
  }

  void checkOpen() {
    if (!open) {
      throw new ClosedFileSystemException();
    }
  }

  @Override
  public S3FileSystemProvider provider() {
    return provider;
  }

  /** Closes the client and waits until its threads have ended; idempotent. */
  @Override
  public void close() {
    if (!open) {
      return;
    }
    open = false;
    try {
      clients.close();
    } finally {
      provider.forget(this);
    }
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public boolean isReadOnly() {
    return false;
  }

  @Override
  public String getSeparator() {
    return "/";
  }

  @Override
  public Iterable<Path> getRootDirectories() {
    return List.of(root);
  }

  /** None: an object store has no volumes to report. */
  @Override
  public Iterable<FileStore> getFileStores() {
    return List.of();
  }

  @Override
  public Set<String> supportedFileAttributeViews() {
    return Set.of("basic");
  }

  /**
   * A path from names joined with "/", as on Unix; a first part of the form {@code
   * s3://bucket/key} (this bucket) is taken as the absolute path {@code /key}, so that {@code
   * getPath(path.toString())} gives the path back.
   */
  @Override
  public S3Path getPath(String first, String... more) {
    String start = first;
    String uriPrefix = "s3://" + bucketName;
    if (start.startsWith("s3://")) {
      if (!start.equals(uriPrefix) && !start.startsWith(uriPrefix + "/")) {
        throw new InvalidPathException(first, "not in bucket " + bucketName);
      }
      start = "/" + start.substring(uriPrefix.length());
    }
    if (more.length == 0) {
      return new S3Path(this, start);
    }
    StringBuilder joined = new StringBuilder(start);
    for (String segment : more) {
      if (!segment.isEmpty()) {
        if (joined.length() > 0) {
          joined.append('/');
        }
        joined.append(segment);
      }
    }
    return new S3Path(this, joined.toString());
  }

  /**
   * Matches {@code glob:} patterns with the JDK's Unix glob semantics and {@code regex:}
   * patterns as {@link Pattern}s, against the path's string without scheme and bucket ({@code
   * /key} for an absolute path).
   */
  @Override
  public PathMatcher getPathMatcher(String syntaxAndPattern) {
    int colon = syntaxAndPattern.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("expected syntax:pattern, not " + syntaxAndPattern);
    }
    String syntax = syntaxAndPattern.substring(0, colon);
    String pattern = syntaxAndPattern.substring(colon + 1);
    Pattern compiled;
    if (syntax.equalsIgnoreCase("glob")) {
      compiled = Pattern.compile(S3Globs.toRegex(pattern));
    } else if (syntax.equalsIgnoreCase("regex")) {
      compiled = Pattern.compile(pattern);
    } else {
      throw new UnsupportedOperationException("syntax '" + syntax + "' not recognized");
    }
    return path -> path instanceof S3Path
        && compiled.matcher(((S3Path) path).pathString()).matches();
  }

  @Override
  public UserPrincipalLookupService getUserPrincipalLookupService() {
    throw new UnsupportedOperationException("an object store has no users to look up");
  }

  @Override
  public WatchService newWatchService() {
    throw new UnsupportedOperationException("an object store has no watch service");
  }

  @Override
  public String toString() {
    return "s3://" + bucketName + " at " + storeId();
  }
}
