package dev.ingest.tfrecord.faults;

import dev.ingest.spi.ReadFrom;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Serves {@code fault://disk/ABSOLUTE/PATH}: the default file system's files, whose channels
 * carry the faults {@link FaultyDisk} scripts. Installed for tests through {@code
 * META-INF/services/java.nio.file.spi.FileSystemProvider}, so that {@code
 * StoragePaths.path("fault://disk/...")} finds it as it finds {@code s3://}. Everything but
 * opening a file goes straight to the default provider.
 */
public final class FaultFileSystemProvider extends FileSystemProvider {
  private final FaultFileSystem fileSystem = new FaultFileSystem(this);

  @Override
  public String getScheme() {
    return FaultyDisk.SCHEME;
  }

  /** There is one file system, which always exists. */
  @Override
  public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
    throw new FileSystemAlreadyExistsException(uri.toString());
  }

  @Override
  public FaultFileSystem getFileSystem(URI uri) {
    return fileSystem;
  }

  @Override
  public Path getPath(URI uri) {
    return fileSystem.getPath(uri.getPath());
  }

  @Override
  public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options,
      FileAttribute<?>... attributes) throws IOException {
    Set<OpenOption> local = new HashSet<>();
    long from = 0;
    for (OpenOption option : options) {
      if (option instanceof ReadFrom readFrom) {
        from = readFrom.position();
      } else if (option instanceof StandardOpenOption || option instanceof LinkOption) {
        local.add(option); // a store's read-ahead hint means nothing to a local file
      }
    }
    FileChannel channel = newFileChannel(path, local, attributes);
    if (from > 0) {
      channel.position(from);
    }
    return channel;
  }

  @Override
  public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options,
      FileAttribute<?>... attributes) throws IOException {
    Path local = FaultPath.localOf(path);
    return new FaultChannel(FaultyDisk.DISK, local, FileChannel.open(local, options, attributes));
  }

  @Override
  public DirectoryStream<Path> newDirectoryStream(Path dir,
      DirectoryStream.Filter<? super Path> filter) throws IOException {
    DirectoryStream<Path> entries = Files.newDirectoryStream(FaultPath.localOf(dir),
        entry -> filter.accept(new FaultPath(fileSystem, entry)));
    return new DirectoryStream<>() {
      @Override
      public Iterator<Path> iterator() {
        Iterator<Path> local = entries.iterator();
        return new Iterator<>() {
          @Override
          public boolean hasNext() {
            return local.hasNext();
          }

          @Override
          public Path next() {
            return new FaultPath(fileSystem, local.next());
          }
        };
      }

      @Override
      public void close() throws IOException {
        entries.close();
      }
    };
  }

  @Override
  public void createDirectory(Path dir, FileAttribute<?>... attributes) throws IOException {
    Files.createDirectory(FaultPath.localOf(dir), attributes);
  }

  @Override
  public void delete(Path path) throws IOException {
    Files.delete(FaultPath.localOf(path));
  }

  @Override
  public void copy(Path source, Path target, CopyOption... options) throws IOException {
    Files.copy(FaultPath.localOf(source), FaultPath.localOf(target), options);
  }

  @Override
  public void move(Path source, Path target, CopyOption... options) throws IOException {
    Files.move(FaultPath.localOf(source), FaultPath.localOf(target), options);
  }

  @Override
  public boolean isSameFile(Path path, Path other) throws IOException {
    return Files.isSameFile(FaultPath.localOf(path), FaultPath.localOf(other));
  }

  @Override
  public boolean isHidden(Path path) throws IOException {
    return Files.isHidden(FaultPath.localOf(path));
  }

  @Override
  public FileStore getFileStore(Path path) throws IOException {
    return Files.getFileStore(FaultPath.localOf(path));
  }

  @Override
  public void checkAccess(Path path, AccessMode... modes) throws IOException {
    Path local = FaultPath.localOf(path);
    local.getFileSystem().provider().checkAccess(local, modes);
  }

  @Override
  public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type,
      LinkOption... options) {
    return Files.getFileAttributeView(FaultPath.localOf(path), type, options);
  }

  @Override
  public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type,
      LinkOption... options) throws IOException {
    return Files.readAttributes(FaultPath.localOf(path), type, options);
  }

  @Override
  public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
      throws IOException {
    return Files.readAttributes(FaultPath.localOf(path), attributes, options);
  }

  @Override
  public void setAttribute(Path path, String attribute, Object value, LinkOption... options)
      throws IOException {
    Files.setAttribute(FaultPath.localOf(path), attribute, value, options);
  }
}
