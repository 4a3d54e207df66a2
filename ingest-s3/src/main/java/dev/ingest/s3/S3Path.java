package dev.ingest.s3;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * A path in one bucket: {@code /key/parts} when absolute (the bucket is its root), or relative
 * names that resolve against the bucket root. The path algebra is the JDK's Unix one, name for
 * name: redundant and trailing slashes are dropped, {@code .} and {@code ..} mean something only to
 * {@link #normalize()} and {@link #relativize(Path)}, and the empty path is one empty name.
 *
 * <p>An absolute path's {@link #toString()} and {@link #toUri()} are {@code s3://bucket/key}; its
 * object key is the path without the leading slash. A path returned by a directory listing carries
 * the object's size, ETag and last-modified time as listed, so reading its attributes asks the
 * store nothing; every other path asks.
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * Immutable except for the listed attributes, which are published through a volatile field and
 * only ever dropped (after a write, move or delete through this path). Equal paths have the same
 * bucket, the same endpoint and the same path string; the attributes play no part.
 */
public final class S3Path implements Path {
  private final S3FileSystem fileSystem;
  private final String path;
  private final int[] offsets;
  private volatile S3ObjectAttributes listed;

  S3Path(S3FileSystem fileSystem, String path) {
    this(fileSystem, path, null);
  }

  S3Path(S3FileSystem fileSystem, String path, S3ObjectAttributes listed) {
    this.fileSystem = fileSystem;
    this.path = normalizeSlashes(path);
    this.offsets = nameStarts(this.path);
    this.listed = listed;
  }

  /** {@code path} without redundant or trailing slashes; a NUL is refused as on Unix. */
  static String normalizeSlashes(String path) {
    StringBuilder normal = null;
    char previous = 0;
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '\u0000') {
        throw new java.nio.file.InvalidPathException(path, "Nul character not allowed", i);
      }
      boolean redundant = c == '/' && (previous == '/' || i == path.length() - 1 && i > 0);
      if (redundant && normal == null) {
        normal = new StringBuilder(path.length()).append(path, 0, i);
      } else if (!redundant && normal != null) {
        normal.append(c);
      }
      previous = c;
    }
    if (normal == null) {
      return path;
    }
    int length = normal.length();
    if (length > 1 && normal.charAt(length - 1) == '/') {
      normal.setLength(length - 1);
    }
    return normal.toString();
  }

  /** The path as a string, {@code /key} when absolute (no scheme, no bucket). */
  String pathString() {
    return path;
  }

  /** The bucket this path is in. */
  public String bucket() {
    return fileSystem.bucket();
  }

  /** The object key: the absolute path without its leading slash ({@code ""} for the root). */
  public String key() {
    return isAbsolute() ? path.substring(1) : path;
  }

  /** The attributes this path was listed with, or null. */
  S3ObjectAttributes listedAttributes() {
    return listed;
  }

  /** Drops the listed attributes: the object has changed through this path. */
  void forgetListedAttributes() {
    listed = null;
  }

  @Override
  public S3FileSystem getFileSystem() {
    return fileSystem;
  }

  @Override
  public boolean isAbsolute() {
    return !path.isEmpty() && path.charAt(0) == '/';
  }

  private boolean isEmpty() {
    return path.isEmpty();
  }

  @Override
  public S3Path getRoot() {
    return isAbsolute() ? fileSystem.root() : null;
  }

  @Override
  public S3Path getFileName() {
    int count = offsets().length;
    if (count == 0) {
      return null;
    }
    if (count == 1 && !isAbsolute()) {
      return this;
    }
    return new S3Path(fileSystem, path.substring(offsets()[count - 1]));
  }

  @Override
  public S3Path getParent() {
    int count = offsets().length;
    if (count == 0) {
      return null;
    }
    int end = offsets()[count - 1] - 1;
    if (end <= 0) {
      return getRoot();
    }
    return new S3Path(fileSystem, path.substring(0, end));
  }

  @Override
  public int getNameCount() {
    return offsets().length;
  }

  @Override
  public S3Path getName(int index) {
    int count = offsets().length;
    if (index < 0 || index >= count) {
      throw new IllegalArgumentException("no name " + index + " in " + this);
    }
    return new S3Path(fileSystem, name(index));
  }

  @Override
  public S3Path subpath(int beginIndex, int endIndex) {
    int count = offsets().length;
    if (beginIndex < 0 || beginIndex >= count || endIndex > count || beginIndex >= endIndex) {
      throw new IllegalArgumentException(
          "no names " + beginIndex + " to " + endIndex + " in " + this);
    }
    int start = offsets()[beginIndex];
    int end = endIndex == count ? path.length() : offsets()[endIndex] - 1;
    return new S3Path(fileSystem, path.substring(start, end));
  }

  @Override
  public boolean startsWith(Path other) {
    if (!(Objects.requireNonNull(other) instanceof S3Path)) {
      return false;
    }
    S3Path that = (S3Path) other;
    if (!sameStore(that) || isAbsolute() != that.isAbsolute()) {
      return false;
    }
    if (that.isEmpty()) {
      return isEmpty();
    }
    int thatCount = that.getNameCount();
    if (thatCount > getNameCount()) {
      return false;
    }
    for (int i = 0; i < thatCount; i++) {
      if (!name(i).equals(that.name(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean endsWith(Path other) {
    if (!(Objects.requireNonNull(other) instanceof S3Path)) {
      return false;
    }
    S3Path that = (S3Path) other;
    if (!sameStore(that)) {
      return false;
    }
    if (that.isAbsolute()) {
      return path.equals(that.path);
    }
    if (that.isEmpty()) {
      return isEmpty();
    }
    int thisCount = getNameCount();
    int thatCount = that.getNameCount();
    if (thatCount > thisCount) {
      return false;
    }
    for (int i = 1; i <= thatCount; i++) {
      if (!name(thisCount - i).equals(that.name(thatCount - i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public S3Path normalize() {
    int count = getNameCount();
    List<String> kept = new ArrayList<>(count);
    boolean changed = false;
    for (int i = 0; i < count; i++) {
      String name = name(i);
      if (name.equals(".")) {
        changed = true;
      } else if (name.equals("..")) {
        changed = true;
        if (!kept.isEmpty() && !kept.get(kept.size() - 1).equals("..")) {
          kept.remove(kept.size() - 1);
        } else if (!isAbsolute()) {
          kept.add(name);
        }
      } else {
        kept.add(name);
      }
    }
    if (!changed) {
      return this;
    }
    String joined = String.join("/", kept);
    return new S3Path(fileSystem, isAbsolute() ? "/" + joined : joined);
  }

  @Override
  public S3Path resolve(Path other) {
    S3Path that = checkPath(other);
    if (that.isAbsolute()) {
      return that;
    }
    if (that.isEmpty()) {
      return this;
    }
    if (isEmpty()) {
      return that;
    }
    return new S3Path(fileSystem, path.equals("/") ? "/" + that.path : path + "/" + that.path);
  }

  @Override
  public S3Path resolve(String other) {
    return resolve(fileSystem.getPath(other));
  }

  @Override
  public S3Path resolveSibling(Path other) {
    S3Path that = checkPath(other);
    S3Path parent = getParent();
    return parent == null ? that : parent.resolve(that);
  }

  @Override
  public S3Path resolveSibling(String other) {
    return resolveSibling(fileSystem.getPath(other));
  }

  @Override
  public S3Path relativize(Path other) {
    S3Path child = checkPath(other);
    if (child.equals(this)) {
      return new S3Path(fileSystem, "");
    }
    if (isAbsolute() != child.isAbsolute()) {
      throw new IllegalArgumentException("'other' is different type of Path");
    }
    if (isEmpty()) {
      return child;
    }
    S3Path base = this;
    if (base.hasDotOrDotDot() || child.hasDotOrDotDot()) {
      base = base.normalize();
      child = child.normalize();
      if (base.isEmpty()) {
        return child;
      }
    }
    int baseCount = base.getNameCount();
    int childCount = child.getNameCount();
    int common = 0;
    int shorter = Math.min(baseCount, childCount);
    while (common < shorter && base.name(common).equals(child.name(common))) {
      common++;
    }
    S3Path childRemaining = common == childCount
        ? new S3Path(fileSystem, "") : child.subpath(common, childCount);
    if (common == baseCount) {
      return childRemaining;
    }
    S3Path baseRemaining = base.subpath(common, baseCount);
    if (baseRemaining.hasDotOrDotDot()) {
      throw new IllegalArgumentException(
          "Unable to compute relative  path from " + this + " to " + other);
    }
    StringBuilder relative = new StringBuilder();
    for (int i = common; i < baseCount; i++) {
      relative.append(relative.length() == 0 ? ".." : "/..");
    }
    if (!childRemaining.isEmpty()) {
      relative.append('/').append(childRemaining.path);
    }
    return new S3Path(fileSystem, relative.toString());
  }

  private boolean hasDotOrDotDot() {
    for (int i = 0; i < getNameCount(); i++) {
      String name = name(i);
      if (name.equals(".") || name.equals("..")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public URI toUri() {
    try {
      return new URI("s3", bucket(), toAbsolutePath().path, null, null);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("no URI for " + this, e);
    }
  }

  @Override
  public S3Path toAbsolutePath() {
    return isAbsolute() ? this : fileSystem.root().resolve(this);
  }

  /** The absolute, normalized path, once the store has said the object or folder exists. */
  @Override
  public S3Path toRealPath(LinkOption... options) throws IOException {
    S3Path real = toAbsolutePath().normalize();
    fileSystem.provider().checkAccess(real);
    return real;
  }

  @Override
  public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events,
      WatchEvent.Modifier... modifiers) {
    throw new UnsupportedOperationException("an object store has no watch service");
  }

  @Override
  public java.io.File toFile() {
    throw new UnsupportedOperationException("an s3:// path is no local file: " + this);
  }

  @Override
  public Iterator<Path> iterator() {
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < getNameCount();
      }

      @Override
      public Path next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return getName(next++);
      }
    };
  }

  /**
   * By bucket, then path string, then endpoint.
   *
   * @throws ClassCastException if {@code other} is no s3:// path, as the JDK's paths do
   */
  @Override
  public int compareTo(Path other) {
    S3Path that = (S3Path) other;
    int byBucket = bucket().compareTo(that.bucket());
    if (byBucket != 0) {
      return byBucket;
    }
    int byPath = path.compareTo(that.path);
    return byPath != 0 ? byPath : fileSystem.storeId().compareTo(that.fileSystem.storeId());
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof S3Path && sameStore((S3Path) other) && path.equals(((S3Path) other).path);
  }

  @Override
  public int hashCode() {
    return bucket().hashCode() * 31 + path.hashCode();
  }

  /** {@code s3://bucket/key} when absolute, the relative names otherwise. */
  @Override
  public String toString() {
    return isAbsolute() ? "s3://" + bucket() + path : path;
  }

  private boolean sameStore(S3Path that) {
    return fileSystem == that.fileSystem || bucket().equals(that.bucket())
        && fileSystem.storeId().equals(that.fileSystem.storeId());
  }

  private S3Path checkPath(Path other) {
    if (!(Objects.requireNonNull(other) instanceof S3Path)) {
      throw new java.nio.file.ProviderMismatchException(
          "not an s3:// path: " + other + " (" + other.getClass().getName() + ")");
    }
    return (S3Path) other;
  }

  private String name(int index) {
    int[] starts = offsets();
    int end = index + 1 < starts.length ? starts[index + 1] - 1 : path.length();
    return path.substring(starts[index], end);
  }

  private int[] offsets() {
    return offsets;
  }

  /** Where each name starts; the empty path is one empty name. */
  private static int[] nameStarts(String path) {
    if (path.isEmpty()) {
      return new int[] {0};
    }
    int count = 0;
    for (int i = 0; i < path.length(); i++) {
      if (path.charAt(i) != '/' && (i == 0 || path.charAt(i - 1) == '/')) {
        count++;
      }
    }
    int[] starts = new int[count];
    int next = 0;
    for (int i = 0; i < path.length(); i++) {
      if (path.charAt(i) != '/' && (i == 0 || path.charAt(i - 1) == '/')) {
        starts[next++] = i;
      }
    }
    return starts;
  }
}
