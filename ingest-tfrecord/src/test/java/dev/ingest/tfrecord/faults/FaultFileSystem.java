package dev.ingest.tfrecord.faults;

import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.Set;
import java.util.stream.StreamSupport;

/** The one {@code fault://disk} file system: the default one's files, seen through faults. */
final class FaultFileSystem extends FileSystem {
  private final FaultFileSystemProvider provider;
  private final FileSystem local = FileSystems.getDefault();

  FaultFileSystem(FaultFileSystemProvider provider) {
    this.provider = provider;
  }

  @Override
  public FaultFileSystemProvider provider() {
    return provider;
  }

  /** Stays open: it is shared by every test in the JVM, as the default file system is. */
  @Override
  public void close() {}

  @Override
  public boolean isOpen() {
    return true;
  }

  @Override
  public boolean isReadOnly() {
    return false;
  }

  @Override
  public String getSeparator() {
    return local.getSeparator();
  }

  @Override
  public Iterable<Path> getRootDirectories() {
    return () -> StreamSupport.stream(local.getRootDirectories().spliterator(), false)
        .map(root -> (Path) new FaultPath(this, root)).iterator();
  }

  @Override
  public Iterable<FileStore> getFileStores() {
    return local.getFileStores();
  }

  @Override
  public Set<String> supportedFileAttributeViews() {
    return local.supportedFileAttributeViews();
  }

  @Override
  public Path getPath(String first, String... more) {
    return new FaultPath(this, local.getPath(first, more));
  }

  @Override
  public PathMatcher getPathMatcher(String syntaxAndPattern) {
    PathMatcher matcher = local.getPathMatcher(syntaxAndPattern);
    return path -> matcher.matches(FaultPath.localOf(path));
  }

  @Override
  public UserPrincipalLookupService getUserPrincipalLookupService() {
    return local.getUserPrincipalLookupService();
  }

  @Override
  public WatchService newWatchService() {
    throw new UnsupportedOperationException("fault:// paths cannot be watched");
  }
}
