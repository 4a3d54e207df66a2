package dev.ingest.runtime.cache;

import dev.ingest.CacheMismatchException;
import dev.ingest.CorruptionPolicy;
import dev.ingest.PipelineSpec.SourceSpec;
import dev.ingest.runtime.read.EpochFiles;
import dev.ingest.runtime.read.FileCursor;
import dev.ingest.runtime.read.RecordCache;
import dev.ingest.runtime.read.RecordCursor;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.DirectMemory;
import dev.ingest.tfrecord.TFRecordReaderOptions;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * tf.data's {@code cache(filename)}: each source file's records, as read, in a plain TFRecord file
 * under a path prefix (see {@link CacheLayout}), kept for later epochs and later runs. Replaying
 * a cache file skips the source's decompression; its records keep their stored CRCs, checked as
 * the pipeline checks a source's.
 *
 * <h2>Which run may use which files</h2>
 *
 * <ul>
 *   <li><b>Complete</b> ({@code PREFIX.manifest} exists): its {@link CacheFingerprint} must equal
 *       the pipeline's, and its files their recorded sizes, or the run is refused with a {@link
 *       CacheMismatchException} saying what differs. Every source file is then read from the
 *       cache; nothing is locked or written.
 *   <li><b>Incomplete</b>, and this run takes the lock ({@link CacheLock}): it fills. If {@code
 *       PREFIX.filling} holds this pipeline's fingerprint, the cache files already published are
 *       kept (a fill cut short is completed); otherwise they are deleted and {@code
 *       PREFIX.filling} is written anew. Temporary files of dead runs are deleted either way.
 *       Each source file read to its end is published whole ({@link CacheFileWriter}); when the
 *       last one is, the manifest is written, atomically, and the lock given back.
 *   <li><b>Incomplete</b>, and another run holds the lock: this run reads its sources and writes
 *       nothing. Its batches are the same; the cache is left to the run that fills it.
 * </ul>
 *
 * Every step leaves the files in one of these states, whenever the process stops: files appear
 * whole under their own names or not at all ({@link AtomicFiles}), data files before the manifest.
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * Confined to the source thread; it opens itself there on first use, so that reading the manifest
 * and taking the lock cost the caller of {@code iterator()} nothing ({@link #refuseMismatch} is the
 * early check that caller makes). Between runs, the file system's atomic rename and the lock are
 * the only synchronisation: readers of a complete cache need none, since nothing changes it.
 */
public final class FileRecordCache implements RecordCache {
  private final String pathPrefix;
  private final CacheLayout layout;
  private final SourceSpec source;
  private final List<Path> shardFiles;
  private final Map<Path, Integer> indexOf = new HashMap<>();
  private final ByteBufAllocator allocator;
  /** Cache files are plain TFRecord; their CRCs are checked where the pipeline checks a source's. */
  private final TFRecordReaderOptions cacheReadOptions;
  private boolean opened;
  private CacheFingerprint fingerprint;
  /** Held while this pipeline fills the cache; {@code null} otherwise. */
  private CacheLock lock;
  /** Size of each source file's cache file, or -1 while it has none. */
  private long[] cachedBytes;
  private int cachedFiles;
  private long recordsServed;

  /**
   * @param files the pipeline's record files, sorted
   * @param readBuffers where the readers of the cache's files take their buffers from (the
   *     pipeline's pool, see {@link TFRecordReaderOptions#readBuffers()}), or {@code null} for
   *     Netty's
   */
  FileRecordCache(String pathPrefix, SourceSpec source, List<Path> files,
      ByteBufAllocator allocator, DirectMemory readBuffers) {
    this.pathPrefix = pathPrefix;
    this.layout = new CacheLayout(pathPrefix);
    this.source = source;
    this.shardFiles = EpochFiles.ofShard(files, source);
    for (int i = 0; i < shardFiles.size(); i++) {
      indexOf.put(shardFiles.get(i), i);
    }
    this.allocator = allocator;
    boolean checkData = source.verifyCrc();
    TFRecordReaderOptions options = TFRecordReaderOptions.defaults()
        .withCompression(Compression.NONE)
        .withVerifyCrc(checkData)
        // As the source task reads sources: the parse workers check data CRCs under `fail`.
        .withDeferredDataCrc(checkData && source.onCorrupt() == CorruptionPolicy.FAIL)
        // A damaged cache file is never skipped over: that would change the batches.
        .withOnCorrupt(CorruptionPolicy.FAIL);
    this.cacheReadOptions = readBuffers == null ? options : options.withReadBuffers(readBuffers);
  }

  /**
   * Refuses, before the pipeline starts, a complete cache at {@code pathPrefix} filled from other
   * sources than the pipeline reads; the source thread checks again when it opens the cache.
   *
   * @throws CacheMismatchException naming the prefix and what differs
   */
  public static void refuseMismatch(String pathPrefix, SourceSpec source, List<Path> files) {
    FileRecordCache cache = new FileRecordCache(pathPrefix, source, files, null, null);
    try {
      cache.fingerprint = CacheFingerprint.of(source, cache.shardFiles);
      cache.cachedBytes = new long[cache.shardFiles.size()];
      cache.useManifest();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the cache at '" + pathPrefix + "': "
          + e.getMessage(), e);
    }
  }

  @Override
  public RecordCursor cursor(Path file) throws IOException {
    open();
    Integer index = indexOf.get(file);
    if (index == null || cachedBytes[index] < 0) {
      return null;
    }
    return FileCursor.replaying(layout.data(index), cacheReadOptions, () -> recordsServed++);
  }

  @Override
  public Filling fill(Path file) throws IOException {
    open();
    Integer index = indexOf.get(file);
    if (lock == null || index == null || cachedBytes[index] >= 0) {
      return null;
    }
    return new CacheFileWriter(layout.data(index), allocator, bytes -> published(index, bytes));
  }

  @Override
  public long recordsServed() {
    return recordsServed;
  }

  @Override
  public void release() {
    if (lock != null) {
      try {
        lock.close();
      } catch (IOException ignored) {
        // The lock goes with the channel, and with the process at the latest.
      }
      lock = null;
    }
  }

  private void open() throws IOException {
    if (opened) {
      return;
    }
    opened = true;
    Files.createDirectories(layout.folder());
    fingerprint = CacheFingerprint.of(source, shardFiles);
    cachedBytes = new long[shardFiles.size()];
    Arrays.fill(cachedBytes, -1);
    if (useManifest()) {
      return;
    }
    lock = CacheLock.tryAcquire(layout.lock());
    if (lock == null) {
      return; // another run fills the cache: read the sources, write nothing
    }
    if (useManifest()) {
      // Completed by another run between the first look and the lock.
      release();
      return;
    }
    prepareFill();
  }

  /**
   * Reads the manifest, if there is one: true when the cache is complete and this pipeline's.
   *
   * @throws CacheMismatchException when it belongs to other sources or its files have changed
   */
  private boolean useManifest() throws IOException {
    CacheManifest manifest = CacheManifest.read(layout.manifest());
    if (manifest == null) {
      return false;
    }
    List<String> differences = manifest.fingerprint().differences(fingerprint);
    if (differences.isEmpty()) {
      differences = new ArrayList<>();
      if (manifest.cachedBytes().size() != shardFiles.size()) {
        differences.add("the manifest lists " + manifest.cachedBytes().size()
            + " cache files for " + shardFiles.size() + " source files");
      } else {
        for (int i = 0; i < shardFiles.size(); i++) {
          Path data = layout.data(i);
          long expected = manifest.cachedBytes().get(i);
          long actual = Files.exists(data) ? Files.size(data) : -1;
          if (actual != expected) {
            differences.add("cache file " + data + ": " + (actual < 0 ? "missing" : actual
                + " bytes") + ", the manifest says " + expected + " bytes");
          }
          cachedBytes[i] = expected;
        }
      }
    }
    if (!differences.isEmpty()) {
      throw new CacheMismatchException(pathPrefix, differences);
    }
    cachedFiles = shardFiles.size();
    return true;
  }

  /**
   * With the lock and no manifest: keeps what a cut-short fill of this same pipeline published,
   * clears away everything else, and records which pipeline the fill is for.
   */
  private void prepareFill() throws IOException {
    boolean resumable = false;
    try {
      resumable = CacheFingerprint.parse(
              Files.readAllLines(layout.filling(), StandardCharsets.UTF_8))
          .differences(fingerprint).isEmpty();
    } catch (NoSuchFileException absent) {
      resumable = false;
    }
    Set<Path> kept = new HashSet<>();
    if (resumable) {
      for (int i = 0; i < shardFiles.size(); i++) {
        Path data = layout.data(i);
        if (Files.exists(data)) {
          cachedBytes[i] = Files.size(data);
          cachedFiles++;
          kept.add(data);
        }
      }
    }
    for (Path stale : layout.dataAndTemporaryFiles()) {
      if (!kept.contains(stale)) {
        Files.deleteIfExists(stale);
      }
    }
    if (!resumable) {
      // Only after the old files are gone: what is published from now on is for this fingerprint.
      AtomicFiles.writeLines(layout.filling(), fingerprint.lines());
    }
    if (cachedFiles == shardFiles.size()) {
      finishFill(); // the last cut-short run stopped between its last file and the manifest
    }
  }

  private void published(int index, long bytes) throws IOException {
    if (cachedBytes[index] < 0) {
      cachedFiles++;
    }
    cachedBytes[index] = bytes;
    if (cachedFiles == shardFiles.size()) {
      finishFill();
    }
  }

  /** Every file is in place: the manifest makes the cache complete, and the lock goes back. */
  private void finishFill() throws IOException {
    List<Long> sizes = new ArrayList<>();
    for (long size : cachedBytes) {
      sizes.add(size);
    }
    new CacheManifest(fingerprint, sizes).write(layout.manifest());
    Files.deleteIfExists(layout.filling());
    release();
  }
}
