package dev.ingest.s3;

import dev.ingest.spi.ReadAhead;
import dev.ingest.spi.ReadFrom;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;

/**
 * The {@code s3://} scheme: buckets of S3 and of every store that speaks its API as Java file
 * systems, so that each {@code Path}-taking API (reads, listings with globs, {@code Files.size},
 * attributes, writes) works on {@code s3://bucket/key} once this module is on the class path. The
 * JDK finds the provider through {@link java.util.ServiceLoader}.
 *
 * <p>File systems: one per bucket and {@link S3Settings}. {@link #newFileSystem(URI, Map)} opens
 * one with settings from its map (see {@link S3Settings} for the keys and the environment they
 * fall back to); {@link #getFileSystem(URI)} and {@link #getPath(URI)} (thus {@code
 * Path.of(URI)}) use the bucket's most recently opened file system, and {@code getPath} opens one
 * with the environment's settings when the bucket has none.
 *
 * <p>What an object store is not: folders are key prefixes (a folder exists while an object is
 * under it, or when a marker object {@code key/} exists; {@link #createDirectory} creates
 * nothing), objects are written whole (a write goes to a local file and is published by one PUT
 * when the channel closes, see {@link S3WriteChannel}), a move is a copy and a delete, and there
 * are no links, owners, permissions or file stores.
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * Thread-safe. Every method that asks the store blocks its caller until the answer is in; the
 * requests themselves run on the file system's event loops, which nothing here blocks. Failures
 * name the URI: see {@link S3Errors}.
 */
public final class S3FileSystemProvider extends FileSystemProvider {
  /** The URI scheme. */
  public static final String SCHEME = "s3";

  private final ReadChannels readChannels;
  // Guarded by itself. Per bucket, its open file systems by settings, the latest last.
  private final Map<String, LinkedHashMap<S3Settings, S3FileSystem>> byBucket = new HashMap<>();

  /** The provider {@link java.util.ServiceLoader} makes: reads go through {@link S3ReadChannel}. */
  public S3FileSystemProvider() {
    this(ReadChannels.READ_AHEAD);
  }

  S3FileSystemProvider(ReadChannels readChannels) {
    this.readChannels = readChannels;
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  /**
   * The file system of {@code uri}'s bucket with settings from {@code env}: the one already open
   * with these settings, or a new one. Unlike a file system of files (whose second opening is an
   * error), a bucket's file system is named by its settings, not by its opener: every pipeline
   * that reads the bucket the same way shares it, and its client and connections.
   *
   * @throws IllegalArgumentException if the URI names no bucket or a setting does not parse
   */
  @Override
  public S3FileSystem newFileSystem(URI uri, Map<String, ?> env) {
    String bucket = bucketOf(uri);
    S3Settings settings = S3Settings.from(env);
    synchronized (byBucket) {
      LinkedHashMap<S3Settings, S3FileSystem> open = byBucket.computeIfAbsent(bucket,
          name -> new LinkedHashMap<>());
      S3FileSystem already = open.get(settings);
      if (already != null && already.isOpen()) {
        // The latest again, as getFileSystem and getPath take the latest.
        open.remove(settings);
        open.put(settings, already);
        return already;
      }
      S3FileSystem fileSystem = new S3FileSystem(this, bucket, settings, readChannels);
      open.put(settings, fileSystem);
      return fileSystem;
    }
  }

  /**
   * The most recently opened file system of {@code uri}'s bucket that is still open.
   *
   * @throws FileSystemNotFoundException if the bucket has none
   */
  @Override
  public S3FileSystem getFileSystem(URI uri) {
    S3FileSystem latest = latest(bucketOf(uri));
    if (latest == null) {
      throw new FileSystemNotFoundException("no file system open for s3://" + bucketOf(uri));
    }
    return latest;
  }

  /**
   * The path of {@code s3://bucket/key} in the bucket's latest file system, opened with the
   * environment's settings if the bucket has none.
   */
  @Override
  public S3Path getPath(URI uri) {
    String bucket = bucketOf(uri);
    S3FileSystem fileSystem;
    synchronized (byBucket) {
      fileSystem = latest(bucket);
      if (fileSystem == null) {
        fileSystem = newFileSystem(uri, Map.of());
      }
    }
    String key = uri.getPath() == null ? "" : uri.getPath();
    return fileSystem.getPath(key.startsWith("/") ? key : "/" + key);
  }

  private S3FileSystem latest(String bucket) {
    synchronized (byBucket) {
      LinkedHashMap<S3Settings, S3FileSystem> open = byBucket.get(bucket);
      S3FileSystem latest = null;
      if (open != null) {
        for (S3FileSystem fileSystem : open.values()) {
          latest = fileSystem;
        }
      }
      return latest;
    }
  }

  /** Called by a file system that closes. */
  void forget(S3FileSystem fileSystem) {
    synchronized (byBucket) {
      Map<S3Settings, S3FileSystem> open = byBucket.get(fileSystem.bucket());
      if (open != null && open.get(fileSystem.settings()) == fileSystem) {
        open.remove(fileSystem.settings());
        if (open.isEmpty()) {
          byBucket.remove(fileSystem.bucket());
        }
      }
    }
  }

  private static String bucketOf(URI uri) {
    if (uri.getScheme() == null || !uri.getScheme().equalsIgnoreCase(SCHEME)) {
      throw new IllegalArgumentException("not an s3:// URI: " + uri);
    }
    String bucket = uri.getAuthority();
    if (bucket == null || bucket.isEmpty()) {
      throw new IllegalArgumentException("no bucket in " + uri + " (expected s3://bucket/key)");
    }
    return bucket;
  }

  /**
   * Reads (no WRITE or APPEND among the options) or writes the object.
   *
   * <p>Reads: through the read-ahead channel with the {@link ReadAhead} among the options, or
   * the file system's, from the {@link ReadFrom} among them or the first byte; the object's size
   * and ETag are those it was listed with, or one HEAD's.
   *
   * <p>Writes: to a local temporary file, published by one PUT on close. {@code CREATE_NEW}
   * refuses an existing key ({@link FileAlreadyExistsException}, checked when opened and, where
   * the store supports conditional writes, again by the PUT); without {@code CREATE} the object
   * must exist; an existing object is only ever replaced whole, so it takes {@code
   * TRUNCATE_EXISTING}. {@code APPEND} and reading and writing at once are unsupported.
   */
  @Override
  public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options,
      FileAttribute<?>... attributes) throws IOException {
    S3Path object = toS3Path(path).toAbsolutePath();
    S3FileSystem fileSystem = object.getFileSystem();
    fileSystem.checkOpen();
    ReadAhead readAhead = fileSystem.settings().readAhead();
    long readFrom = 0;
    for (OpenOption option : options) {
      if (option instanceof ReadAhead) {
        readAhead = (ReadAhead) option;
      } else if (option instanceof ReadFrom from) {
        readFrom = from.position();
      } else if (option == StandardOpenOption.APPEND) {
        throw new UnsupportedOperationException("objects cannot be appended to: " + object);
      } else if (option == StandardOpenOption.DELETE_ON_CLOSE) {
        throw new UnsupportedOperationException("DELETE_ON_CLOSE on " + object);
      } else if (!(option instanceof StandardOpenOption || option instanceof LinkOption)) {
        throw new UnsupportedOperationException(option + " on " + object);
      }
    }
    if (attributes.length > 0) {
      throw new UnsupportedOperationException("objects have no " + attributes[0].name());
    }
    if (options.contains(StandardOpenOption.WRITE)) {
      if (options.contains(StandardOpenOption.READ)) {
        throw new UnsupportedOperationException("an object is read or written, not both: "
            + object);
      }
      return openForWrite(object, options);
    }
    S3ObjectAttributes listed = ((S3Path) path).listedAttributes();
    S3ObjectAttributes attributesNow = listed != null ? listed : fileSystem.requests().head(object);
    if (attributesNow.directory()) {
      throw new FileSystemException(object.toString(), null, "Is a directory");
    }
    return readChannels.open(fileSystem.client(), object, attributesNow.size(),
        attributesNow.eTag(), readAhead, fileSystem.settings().retries(), readFrom);
  }

  private SeekableByteChannel openForWrite(S3Path object, Set<? extends OpenOption> options)
      throws IOException {
    boolean createNew = options.contains(StandardOpenOption.CREATE_NEW);
    boolean create = createNew || options.contains(StandardOpenOption.CREATE);
    boolean truncate = options.contains(StandardOpenOption.TRUNCATE_EXISTING);
    S3Bucket requests = object.getFileSystem().requests();
    if (createNew || !create || !truncate) {
      S3ObjectAttributes existing = requests.headOrNull(object);
      if (createNew && existing != null) {
        throw new FileAlreadyExistsException(object.toString());
      }
      if (!create && existing == null) {
        throw new NoSuchFileException(object.toString());
      }
      if (!createNew && existing != null && !truncate) {
        throw new UnsupportedOperationException("objects are written whole: open "
            + object + " with TRUNCATE_EXISTING to replace it");
      }
    }
    return new S3WriteChannel(requests, object, createNew);
  }

  /** As {@link #newByteChannel}; the stream reads through the read-ahead channel. */
  @Override
  public InputStream newInputStream(Path path, OpenOption... options) throws IOException {
    return super.newInputStream(path, options);
  }

  /** As {@link #newByteChannel}: nothing is published until the stream is closed. */
  @Override
  public OutputStream newOutputStream(Path path, OpenOption... options) throws IOException {
    return super.newOutputStream(path, options);
  }

  /**
   * The folder's children, listed page by page (ListObjectsV2, delimiter "/"); see {@link
   * S3DirectoryStream}.
   *
   * @throws NoSuchFileException if nothing is under the folder and no object has its key
   * @throws NotDirectoryException if nothing is under it but an object has its key
   */
  @Override
  public DirectoryStream<Path> newDirectoryStream(Path dir,
      DirectoryStream.Filter<? super Path> filter) throws IOException {
    S3Path folder = toS3Path(dir).toAbsolutePath();
    S3Bucket requests = folder.getFileSystem().requests();
    ListObjectsV2Response first = requests.listPage(folder, null, S3DirectoryStream.PAGE_SIZE);
    String prefix = S3Bucket.prefixOf(folder);
    boolean markerOnly = first.contents().stream().anyMatch(o -> o.key().equals(prefix));
    if (!prefix.isEmpty() && !markerOnly && !S3DirectoryStream.hasChildren(first, prefix)) {
      if (requests.headOrNull(folder) != null) {
        throw new NotDirectoryException(folder.toString());
      }
      throw new NoSuchFileException(folder.toString());
    }
    return new S3DirectoryStream(requests, folder, first, filter);
  }

  /** Nothing to create: a folder is a prefix, there once an object is under it. */
  @Override
  public void createDirectory(Path dir, FileAttribute<?>... attributes) {
    toS3Path(dir).getFileSystem().checkOpen();
  }

  /**
   * Deletes the object, or the marker object of an empty folder.
   *
   * @throws NoSuchFileException if there is neither
   * @throws DirectoryNotEmptyException if objects are under the folder
   */
  @Override
  public void delete(Path path) throws IOException {
    S3Path object = toS3Path(path).toAbsolutePath();
    S3Bucket requests = object.getFileSystem().requests();
    if (object.key().isEmpty()) {
      throw new FileSystemException(object.toString(), null, "a bucket root cannot be deleted");
    }
    object.forgetListedAttributes();
    ((S3Path) path).forgetListedAttributes();
    if (requests.headOrNull(object) != null) {
      requests.delete(object, object.key());
      return;
    }
    String prefix = S3Bucket.prefixOf(object);
    ListObjectsV2Response under = requests.listPage(object, null, 2);
    if (S3DirectoryStream.hasChildren(under, prefix)) {
      throw new DirectoryNotEmptyException(object.toString());
    }
    if (under.contents().stream().anyMatch(marker -> marker.key().equals(prefix))) {
      requests.delete(object, prefix);
      return;
    }
    throw new NoSuchFileException(object.toString());
  }

  /**
   * A server-side copy where both paths are in the same store, else a stream copy. A folder is
   * copied as nothing (a prefix cannot be empty and exist); {@code COPY_ATTRIBUTES} is ignored.
   */
  @Override
  public void copy(Path source, Path target, CopyOption... options) throws IOException {
    S3Path from = toS3Path(source).toAbsolutePath();
    S3Path to = toS3Path(target).toAbsolutePath();
    List<CopyOption> asked = Arrays.asList(options);
    if (asked.contains(StandardCopyOption.ATOMIC_MOVE)) {
      throw new UnsupportedOperationException("ATOMIC_MOVE is no copy option");
    }
    if (isSameFile(from, to)) {
      return;
    }
    S3ObjectAttributes sourceAttributes = attributes(from);
    if (!asked.contains(StandardCopyOption.REPLACE_EXISTING) && attributesOrNull(to) != null) {
      throw new FileAlreadyExistsException(to.toString());
    }
    ((S3Path) target).forgetListedAttributes();
    if (sourceAttributes.directory()) {
      return;
    }
    if (from.getFileSystem().storeId().equals(to.getFileSystem().storeId())) {
      from.getFileSystem().requests().copy(from, to);
    } else {
      try (InputStream in = newInputStream(from);
          OutputStream out = newOutputStream(to)) {
        in.transferTo(out);
      }
    }
  }

  /**
   * A copy, then a delete of the source: not atomic ({@code ATOMIC_MOVE} is refused), and a
   * folder moves only while it is empty.
   */
  @Override
  public void move(Path source, Path target, CopyOption... options) throws IOException {
    S3Path from = toS3Path(source).toAbsolutePath();
    S3Path to = toS3Path(target).toAbsolutePath();
    List<CopyOption> asked = new ArrayList<>(Arrays.asList(options));
    if (asked.contains(StandardCopyOption.ATOMIC_MOVE)) {
      throw new AtomicMoveNotSupportedException(from.toString(), to.toString(),
          "an object store moves by copy and delete");
    }
    if (isSameFile(from, to)) {
      return;
    }
    S3ObjectAttributes sourceAttributes = attributes(from);
    if (sourceAttributes.directory()) {
      ListObjectsV2Response under = from.getFileSystem().requests().listPage(from, null, 2);
      if (S3DirectoryStream.hasChildren(under, S3Bucket.prefixOf(from))) {
        throw new DirectoryNotEmptyException(from.toString());
      }
    }
    asked.remove(StandardCopyOption.COPY_ATTRIBUTES);
    copy(from, to, asked.toArray(CopyOption[]::new));
    ((S3Path) source).forgetListedAttributes();
    delete(from);
  }

  /** Equal paths, or the same bucket, store and normalized key. */
  @Override
  public boolean isSameFile(Path path, Path other) {
    if (path.equals(other)) {
      return true;
    }
    if (!(path instanceof S3Path) || !(other instanceof S3Path)) {
      return false;
    }
    return toS3Path(path).toAbsolutePath().normalize()
        .equals(toS3Path(other).toAbsolutePath().normalize());
  }

  /** Whether the name starts with a dot, as on Unix. */
  @Override
  public boolean isHidden(Path path) {
    S3Path name = toS3Path(path).getFileName();
    return name != null && name.pathString().startsWith(".");
  }

  @Override
  public FileStore getFileStore(Path path) {
    throw new UnsupportedOperationException("an object store has no file stores: " + path);
  }

  /**
   * Whether the object or folder exists (from its listed attributes, or HEAD and LIST). Objects
   * are never executable.
   */
  @Override
  public void checkAccess(Path path, AccessMode... modes) throws IOException {
    S3Path object = toS3Path(path);
    for (AccessMode mode : modes) {
      if (mode == AccessMode.EXECUTE) {
        throw new AccessDeniedException(object.toString(), null, "objects are not executable");
      }
    }
    attributes(object);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type,
      LinkOption... options) {
    S3Path object = toS3Path(path);
    if (type != BasicFileAttributeView.class) {
      return null;
    }
    return (V) new BasicFileAttributeView() {
      @Override
      public String name() {
        return "basic";
      }

      @Override
      public BasicFileAttributes readAttributes() throws IOException {
        return attributes(object);
      }

      @Override
      public void setTimes(FileTime lastModifiedTime, FileTime lastAccessTime,
          FileTime createTime) {
        throw new UnsupportedOperationException("an object's times are the store's: " + object);
      }
    };
  }

  /**
   * The object's attributes (size, ETag as {@code fileKey()}, last-modified time), or a
   * folder's: as listed when the path came from a listing, else from a HEAD, and where no object
   * has the key, from a LIST of what is under it.
   */
  @Override
  @SuppressWarnings("unchecked")
  public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type,
      LinkOption... options) throws IOException {
    if (type != BasicFileAttributes.class && type != S3ObjectAttributes.class) {
      throw new UnsupportedOperationException("s3:// objects have no " + type.getSimpleName());
    }
    return (A) attributes(toS3Path(path));
  }

  /** The "basic" view's attributes by name ({@code "*"}, {@code "basic:size,fileKey"}, ...). */
  @Override
  public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
      throws IOException {
    String names = attributes;
    int colon = attributes.indexOf(':');
    if (colon >= 0) {
      String view = attributes.substring(0, colon);
      if (!view.equals("basic")) {
        throw new UnsupportedOperationException("view '" + view + "' is not available");
      }
      names = attributes.substring(colon + 1);
    }
    Map<String, Object> all = attributes(toS3Path(path)).asMap();
    if (names.equals("*")) {
      return all;
    }
    Map<String, Object> chosen = new LinkedHashMap<>();
    for (String name : names.split(",")) {
      String trimmed = name.strip();
      if (trimmed.equals("*")) {
        chosen.putAll(all);
      } else if (all.containsKey(trimmed)) {
        chosen.put(trimmed, all.get(trimmed));
      } else {
        throw new IllegalArgumentException("'" + trimmed + "' not recognized");
      }
    }
    return chosen;
  }

  @Override
  public void setAttribute(Path path, String attribute, Object value, LinkOption... options) {
    throw new UnsupportedOperationException(
        "an object's attributes are the store's: " + attribute.toLowerCase(Locale.ROOT));
  }

  private S3ObjectAttributes attributes(S3Path path) throws IOException {
    S3ObjectAttributes listed = path.listedAttributes();
    if (listed != null && path.getFileSystem().isOpen()) {
      return listed;
    }
    S3Path object = path.toAbsolutePath();
    S3Bucket requests = object.getFileSystem().requests();
    if (object.key().isEmpty()) {
      requests.checkBucket(object);
      return S3ObjectAttributes.folder();
    }
    try {
      return requests.head(object);
    } catch (NoSuchFileException noObject) {
      if (requests.hasObjectsUnder(object)) {
        return S3ObjectAttributes.folder();
      }
      throw noObject;
    }
  }

  private S3ObjectAttributes attributesOrNull(S3Path path) throws IOException {
    try {
      return attributes(path);
    } catch (NoSuchFileException missing) {
      return null;
    }
  }

  private static S3Path toS3Path(Path path) {
    if (!(path instanceof S3Path)) {
      throw new ProviderMismatchException("not an s3:// path: " + path);
    }
    return (S3Path) path;
  }
}
