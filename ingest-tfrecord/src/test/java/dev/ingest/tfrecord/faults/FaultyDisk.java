package dev.ingest.tfrecord.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.spi.FileSystemProvider;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Faults injected below ingest's storage layer, for tests: the local disk seen through the
 * {@code fault://disk} file system ({@link FaultFileSystemProvider}), where each file's reads
 * follow a script ({@link #script}: read errors at chosen bytes, short reads, the file cut,
 * grown or deleted once a read reaches a byte, slow or stalled reads) and writes use up a
 * limited disk ({@link #diskFullAfter}). A test reads or writes {@link #path}{@code (local)} or
 * {@link #uri}{@code (local)} instead of {@code local}, and {@link #reset()}s after itself.
 *
 * <pre>
 *   pipeline ──► StoragePaths.path("fault://disk/tmp/x/part-0") ──► FaultFileSystemProvider
 *            ──► FaultChannel(FileChannel of /tmp/x/part-0) ──► FileFaults of /tmp/x/part-0
 * </pre>
 *
 * <p>Each fault that fires is counted by kind: {@link #injected} since the last reset, {@link
 * #injectedInAll} since the JVM started (the figures a test class reports).
 *
 * <p>Thread-safe. One script per JVM: tests that use it must not run concurrently.
 */
public final class FaultyDisk {
  public static final String SCHEME = "fault";
  public static final String AUTHORITY = "disk";
  private static final Map<FaultKind, AtomicLong> IN_ALL = counters();
  static final FaultyDisk DISK = new FaultyDisk();

  private final Map<Path, FileFaults> scripts = new ConcurrentHashMap<>();
  private final AtomicLong spaceLeft = new AtomicLong(Long.MAX_VALUE);
  private final Map<FaultKind, AtomicLong> sinceReset = counters();

  private FaultyDisk() {}

  /** {@code local} (a path of the default file system) as a {@code fault://} path. */
  public static Path path(Path local) {
    FileSystemProvider provider = FileSystemProvider.installedProviders().stream()
        .filter(installed -> installed.getScheme().equals(SCHEME)).findFirst()
        .orElseThrow(() -> new FileSystemNotFoundException("fault:// is not installed: list "
            + FaultFileSystemProvider.class.getName() + " in the test resources' META-INF/"
            + "services/java.nio.file.spi.FileSystemProvider"));
    return ((FaultFileSystemProvider) provider).getFileSystem(null)
        .getPath(local.toAbsolutePath().normalize().toString());
  }

  /** {@code local} as a {@code fault://disk/...} location, as a pipeline's files are given. */
  public static String uri(Path local) {
    return path(local).toUri().toString();
  }

  /** The script of {@code local}'s reads, empty until a test adds to it. */
  public static FileFaults script(Path local) {
    return DISK.faultsOf(local);
  }

  /** Writes succeed until {@code bytes} more have been written; then the disk is full. */
  public static void diskFullAfter(long bytes) {
    DISK.spaceLeft.set(bytes);
  }

  /** Faults of {@code kind} injected since the last {@link #reset()}. */
  public static long injected(FaultKind kind) {
    return DISK.sinceReset.get(kind).get();
  }

  /** Faults of {@code kind} injected in this JVM. */
  public static long injectedInAll(FaultKind kind) {
    return IN_ALL.get(kind).get();
  }

  /**
   * Clears every script, frees the disk and zeroes {@link #injected}; returns what was injected
   * since the last reset, by kind (for a test class to add up and report).
   */
  public static Map<FaultKind, Long> reset() {
    DISK.scripts.clear();
    DISK.spaceLeft.set(Long.MAX_VALUE);
    Map<FaultKind, Long> injected = new EnumMap<>(FaultKind.class);
    DISK.sinceReset.forEach((kind, counter) -> injected.put(kind, counter.getAndSet(0)));
    return injected;
  }

  FileFaults faultsOf(Path local) {
    return scripts.computeIfAbsent(local.toAbsolutePath().normalize(),
        key -> new FileFaults(this));
  }

  void count(FaultKind kind) {
    sinceReset.get(kind).incrementAndGet();
    IN_ALL.get(kind).incrementAndGet();
    synchronized (this) {
      notifyAll();
    }
  }

  /**
   * Waits until a fault of {@code kind} has been injected since the last reset, at most {@code
   * timeoutMillis}; returns whether one was.
   */
  public static boolean awaitInjected(FaultKind kind, long timeoutMillis)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    synchronized (DISK) {
      while (injected(kind) == 0) {
        long left = (deadline - System.nanoTime()) / 1_000_000L;
        if (left <= 0) {
          return false;
        }
        DISK.wait(left);
      }
      return true;
    }
  }

  /**
   * How many of {@code wanted} bytes a write may write: all while the disk has room, what fits
   * when it fills (a partial write, as {@code write(2)} makes), and none after.
   *
   * @throws IOException "No space left on device" once nothing fits
   */
  int claimSpace(int wanted) throws IOException {
    while (true) {
      long left = spaceLeft.get();
      if (left == Long.MAX_VALUE) {
        return wanted;
      }
      if (left == 0 && wanted > 0) {
        count(FaultKind.DISK_FULL);
        throw new IOException("No space left on device");
      }
      int granted = (int) Math.min(wanted, left);
      if (spaceLeft.compareAndSet(left, left - granted)) {
        return granted;
      }
    }
  }

  void truncate(FileFaults faults, long length) {
    Path file = fileOf(faults);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    count(FaultKind.TRUNCATE);
  }

  void append(FileFaults faults, byte[] bytes) {
    Path file = fileOf(faults);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    count(FaultKind.GROW);
  }

  void delete(Path victim) {
    Path local = victim instanceof FaultPath fault ? fault.local() : victim;
    try {
      Files.delete(local);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    count(FaultKind.DELETE);
  }

  private Path fileOf(FileFaults faults) {
    return scripts.entrySet().stream().filter(entry -> entry.getValue() == faults)
        .map(Map.Entry::getKey).findFirst().orElseThrow();
  }

  private static Map<FaultKind, AtomicLong> counters() {
    Map<FaultKind, AtomicLong> counters = new EnumMap<>(FaultKind.class);
    for (FaultKind kind : FaultKind.values()) {
      counters.put(kind, new AtomicLong());
    }
    return counters;
  }
}
