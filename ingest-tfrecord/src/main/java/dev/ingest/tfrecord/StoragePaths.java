package dev.ingest.tfrecord;

import dev.ingest.StorageOptions;
import dev.ingest.spi.ReadAhead;
import dev.ingest.spi.ReadFrom;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.spi.FileSystemProvider;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the text of a location (a local path, or a URI such as {@code s3://bucket/prefix/x}) into
 * a {@link Path}, and opens paths for reading: the one place where ingest meets the storage
 * behind a path.
 *
 * <p>The storage interface is Java's own {@link FileSystemProvider}: the JDK finds the installed
 * providers through {@link java.util.ServiceLoader}, each serving one URI scheme, so that every
 * part of ingest that lists, sizes, reads or writes a {@link Path} works on any store whose
 * provider is on the class path ({@code s3://} comes with module {@code ingest-s3}). A location
 * is taken as a URI only when it starts with {@code scheme://}; everything else is a local path,
 * as before. {@link RecordFiles} expands globs: it makes a path of the part before the first glob
 * character ({@code s3://bucket/data/} of {@code s3://bucket/data/*.tfrecord}) and matches below
 * it with that file system's own glob matcher.
 */
public final class StoragePaths {
  private static final Pattern URI_FORM =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*)://([^/]*)(/.*)?", Pattern.DOTALL);

  private StoragePaths() {}

  /** Whether {@code location} is written as a URI ({@code scheme://...}). */
  public static boolean isUri(String location) {
    return URI_FORM.matcher(location).matches();
  }

  /** {@code location} as a path, every scheme with its settings from the environment. */
  public static Path path(String location) {
    return path(location, StorageOptions.defaults());
  }

  /**
   * {@code location} as a path: a local path, or a path of the file system that serves its
   * scheme, opened with the settings {@code storage} gives for that scheme.
   *
   * @throws IllegalArgumentException if no installed provider serves the scheme, naming the
   *     location and the module that would
   * @throws java.io.UncheckedIOException if the provider cannot open a file system for it
   */
  public static Path path(String location, StorageOptions storage) {
    Matcher uri = URI_FORM.matcher(location);
    if (!uri.matches()) {
      return Path.of(location);
    }
    String scheme = uri.group(1).toLowerCase(Locale.ROOT);
    String authority = uri.group(2);
    String rest = uri.group(3) == null ? "/" : uri.group(3);
    if (scheme.equals("file")) {
      return Path.of(rest);
    }
    FileSystemProvider provider = provider(scheme, location);
    URI root = URI.create(scheme + "://" + authority);
    FileSystem fileSystem;
    try {
      fileSystem = provider.newFileSystem(root, storage.settingsFor(scheme));
    } catch (FileSystemAlreadyExistsException e) {
      fileSystem = provider.getFileSystem(root);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot open " + root + ": " + e.getMessage(), e);
    }
    return fileSystem.getPath(rest);
  }

  /** Whether {@code path} is on the local disk (the default file system). */
  public static boolean isLocal(Path path) {
    return path.getFileSystem() == FileSystems.getDefault();
  }

  /**
   * Opens {@code path} for reading: a {@link FileChannel} on the local disk, where the kernel
   * reads ahead; elsewhere the provider's channel, asked to read {@code readAhead} ahead.
   */
  public static SeekableByteChannel openForReading(Path path, ReadAhead readAhead)
      throws IOException {
    if (isLocal(path)) {
      return FileChannel.open(path, StandardOpenOption.READ);
    }
    Set<OpenOption> options = Set.of(StandardOpenOption.READ, readAhead);
    return Files.newByteChannel(path, options);
  }

  /**
   * As {@link #openForReading(Path, ReadAhead)}, positioned at {@code from}: a store's channel
   * then asks for bytes from there on ({@link ReadFrom}), and never for the bytes before it.
   */
  public static SeekableByteChannel openForReading(Path path, ReadAhead readAhead, long from)
      throws IOException {
    if (isLocal(path)) {
      FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
      try {
        channel.position(from);
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
      return channel;
    }
    return Files.newByteChannel(path, Set.of(StandardOpenOption.READ, readAhead,
        new ReadFrom(from)));
  }

  /**
   * Orders paths as {@link RecordFiles} lists them: local paths first, then by URI scheme, and by
   * each file system's own order within one; paths of two providers never compare directly (the
   * JDK's paths throw on it).
   */
  public static Comparator<Path> order() {
    return Comparator.comparing((Path path) -> isLocal(path) ? "" : scheme(path))
        .thenComparing((a, b) -> a.getFileSystem().provider() == b.getFileSystem().provider()
            ? a.compareTo(b) : a.toUri().toString().compareTo(b.toUri().toString()));
  }

  private static String scheme(Path path) {
    return path.getFileSystem().provider().getScheme();
  }

  private static FileSystemProvider provider(String scheme, String location) {
    for (FileSystemProvider provider : FileSystemProvider.installedProviders()) {
      if (provider.getScheme().equalsIgnoreCase(scheme)) {
        return provider;
      }
    }
    String module = scheme.equals("s3") ? " (module ingest-s3 serves s3://, and is not on the"
        + " class path)" : "";
    throw new IllegalArgumentException(
        "no storage for '" + location + "': no file system is installed for " + scheme + "://"
            + module);
  }
}
