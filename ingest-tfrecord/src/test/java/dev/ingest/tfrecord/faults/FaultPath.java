package dev.ingest.tfrecord.faults;

import java.io.IOException;
import java.net.URI;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;

/**
 * A path of the {@code fault://} file system: a path of the default file system under another
 * provider, so that every file opened through it gets a {@link FaultChannel}. Its text is the
 * local path's; its URI is {@code fault://disk/} and the absolute local path.
 */
final class FaultPath implements Path {
  private final FaultFileSystem fileSystem;
  private final Path local;

  FaultPath(FaultFileSystem fileSystem, Path local) {
    this.fileSystem = fileSystem;
    this.local = local;
  }

  /** The default file system's path this one stands for. */
  Path local() {
    return local;
  }

  static Path localOf(Path path) {
    if (path instanceof FaultPath fault) {
      return fault.local;
    }
    throw new ProviderMismatchException("not a fault:// path: " + path);
  }

  private FaultPath wrap(Path path) {
    return path == null ? null : new FaultPath(fileSystem, path);
  }

  @Override
  public FaultFileSystem getFileSystem() {
    return fileSystem;
  }

  @Override
  public boolean isAbsolute() {
    return local.isAbsolute();
  }

  @Override
  public Path getRoot() {
    return wrap(local.getRoot());
  }

  @Override
  public Path getFileName() {
    return wrap(local.getFileName());
  }

  @Override
  public Path getParent() {
    return wrap(local.getParent());
  }

  @Override
  public int getNameCount() {
    return local.getNameCount();
  }

  @Override
  public Path getName(int index) {
    return wrap(local.getName(index));
  }

  @Override
  public Path subpath(int beginIndex, int endIndex) {
    return wrap(local.subpath(beginIndex, endIndex));
  }

  @Override
  public boolean startsWith(Path other) {
    return other instanceof FaultPath fault && local.startsWith(fault.local);
  }

  @Override
  public boolean endsWith(Path other) {
    return other instanceof FaultPath fault && local.endsWith(fault.local);
  }

  @Override
  public Path normalize() {
    return wrap(local.normalize());
  }

  @Override
  public Path resolve(Path other) {
    return wrap(local.resolve(localOf(other)));
  }

  @Override
  public Path relativize(Path other) {
    return wrap(local.relativize(localOf(other)));
  }

  @Override
  public URI toUri() {
    return URI.create(FaultyDisk.SCHEME + "://" + FaultyDisk.AUTHORITY
        + local.toAbsolutePath().toUri().getRawPath());
  }

  @Override
  public Path toAbsolutePath() {
    return wrap(local.toAbsolutePath());
  }

  @Override
  public Path toRealPath(LinkOption... options) throws IOException {
    return wrap(local.toRealPath(options));
  }

  @Override
  public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events,
      WatchEvent.Modifier... modifiers) {
    throw new UnsupportedOperationException("fault:// paths cannot be watched");
  }

  @Override
  public int compareTo(Path other) {
    return local.compareTo(localOf(other));
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof FaultPath fault && local.equals(fault.local);
  }

  @Override
  public int hashCode() {
    return local.hashCode() * 31 + 7;
  }

  @Override
  public String toString() {
    return local.toString();
  }
}
