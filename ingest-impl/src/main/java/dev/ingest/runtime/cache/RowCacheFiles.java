package dev.ingest.runtime.cache;

import dev.ingest.Batch;
import dev.ingest.CacheMismatchException;
import dev.ingest.MemoryBudgetException;
import dev.ingest.PaddingSpec;
import dev.ingest.PipelineSpec;
import dev.ingest.Transform;
import dev.ingest.runtime.read.EpochFiles;
import dev.ingest.spi.RowFileFormat;
import dev.ingest.spi.RowFileReader;
import dev.ingest.spi.RowFileWriter;
import dev.ingest.tfrecord.DirectMemory;
import dev.ingest.tfrecord.example.BatchAssembler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * A {@link RowCache} kept in files under a path prefix, for later runs: one columnar file of all
 * its rows ({@code PREFIX.rows.arrow}, Apache Arrow's IPC file format from {@code ingest-arrow})
 * and a manifest written last. The cache's rows are held in memory as well, to serve this run
 * and, loaded from the file, later ones: a cache the memory budget cannot hold is refused.
 *
 * <pre>
 *   PREFIX.manifest     written last: the fingerprint, rows=, records.I= per source file,
 *                       rows_file=, rows_bytes=, complete=true
 *   PREFIX.rows.arrow   every cached row, chunk by chunk, with its source file, record, offset
 *   PREFIX.filling      while a fill is under way or was cut short: the fingerprint it is for
 *   PREFIX.lock         locked by the one run that fills (FileChannel.tryLock)
 *   PREFIX.rows.arrow.tmp-PID-RANDOM   the rows file being written
 * </pre>
 *
 * <p>Which run uses which files, as for the record cache ({@link FileRecordCache}): a complete
 * cache of this pipeline is loaded; one of another pipeline is refused with a {@link
 * CacheMismatchException} naming what differs; an incomplete one is filled by the run that takes
 * the lock, from the start (the rows of a source file are complete only at the fill's end, so a
 * fill cut short keeps nothing); a run that finds the lock taken fills its memory only. Every
 * step leaves whole files or none ({@link AtomicFiles}).
 *
 * <p>Opened on the source thread; rows are written where they are added (the batch stage), and
 * the source may close it while they are: writes, the seal and close synchronise on this object.
 */
public final class RowCacheFiles implements RowCache.Sink {
  private static final String MANIFEST_CLOSING = "complete=true";

  private final String pathPrefix;
  private final CacheLayout layout;
  private final PipelineSpec spec;
  private final List<Path> shardFiles;
  private final RowFileFormat format;
  private final DirectMemory memory;
  private CacheFingerprint fingerprint;
  private CacheLock lock;
  private Path temporary;
  private RowFileWriter writer;
  private boolean closed;

  /**
   * @param files the pipeline's record files, sorted
   * @param memory where the rows loaded from a file are kept
   */
  public RowCacheFiles(PipelineSpec spec, List<Path> files, DirectMemory memory) {
    this.spec = spec;
    this.pathPrefix = spec.cache().pathPrefix();
    this.layout = new CacheLayout(pathPrefix);
    this.shardFiles = EpochFiles.ofShard(files, spec.source());
    this.format = format();
    this.memory = memory;
  }

  /**
   * Refuses, before the pipeline starts, a file cache of rows it cannot use: a transform before
   * the cache that declares no version, no file format on the class path, or a complete cache of
   * another pipeline at the prefix.
   *
   * @throws IllegalArgumentException for a transform without a version
   * @throws CacheMismatchException naming the prefix and what differs
   */
  public static void refuseMismatch(PipelineSpec spec, List<Path> files) {
    RowCacheFiles files1 = new RowCacheFiles(spec, files, null);
    try {
      files1.fingerprint = files1.fingerprint();
      files1.readManifest();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the cache at '" + files1.pathPrefix + "': "
          + e.getMessage(), e);
    }
  }

  /**
   * Loads a complete cache of this pipeline into {@code cache} and seals it, or makes {@code
   * cache} write its rows here as they come, if this run takes the lock; otherwise changes nothing
   * (another run fills the files).
   *
   * @throws CacheMismatchException when a complete cache at the prefix is another pipeline's
   */
  public void open(RowCache cache) throws IOException {
    Files.createDirectories(layout.folder());
    fingerprint = fingerprint();
    Map<String, String> manifest = readManifest();
    if (manifest != null) {
      load(cache, manifest);
      return;
    }
    lock = CacheLock.tryAcquire(layout.lock());
    if (lock == null) {
      return; // another run fills the files: this one keeps its rows in memory only
    }
    manifest = readManifest();
    if (manifest != null) {
      close();
      load(cache, manifest);
      return;
    }
    for (Path stale : layout.dataAndTemporaryFiles()) {
      Files.deleteIfExists(stale);
    }
    AtomicFiles.writeLines(layout.filling(), fingerprint.lines());
    temporary = CacheLayout.temporary(layout.rows(format.extension()));
    writer = format.create(temporary, spec.features());
    cache.sendTo(this);
  }

  @Override
  public synchronized void write(Batch segment, int[] sourceFiles, long[] records, long[] offsets)
      throws IOException {
    if (!closed) {
      writer.write(segment, segment.rows(), sourceFiles, records, offsets);
    }
  }

  /** Every row is in: the rows file is published, then the manifest, and the lock goes back. */
  @Override
  public synchronized void sealed(RowCache cache) throws IOException {
    if (closed) {
      return;
    }
    writer.finish();
    writer.close();
    writer = null;
    Path rows = layout.rows(format.extension());
    AtomicFiles.publish(temporary, rows);
    temporary = null;
    List<String> lines = new ArrayList<>(fingerprint.lines());
    lines.add("rows=" + cache.rows());
    long[] counts = cache.recordCounts();
    for (int i = 0; i < counts.length; i++) {
      lines.add("records." + i + "=" + counts[i]);
    }
    lines.add("rows_file=" + rows.getFileName());
    lines.add("rows_bytes=" + Files.size(rows));
    lines.add(MANIFEST_CLOSING);
    AtomicFiles.writeLines(layout.manifest(), lines);
    Files.deleteIfExists(layout.filling());
    close();
  }

  /**
   * Gives back the lock, and a rows file not yet whole (its fill was cut short: the next run
   * fills again). Safe to call more than once.
   */
  public synchronized void close() {
    closed = true;
    if (writer != null) {
      try {
        writer.close();
      } catch (IOException ignored) {
        // The file is deleted below: a writer that cannot close leaves nothing to keep.
      }
      writer = null;
    }
    if (temporary != null) {
      try {
        Files.deleteIfExists(temporary);
      } catch (IOException ignored) {
        // A temporary file left behind is cleared away by the next fill.
      }
      temporary = null;
    }
    if (lock != null) {
      try {
        lock.close();
      } catch (IOException ignored) {
        // The lock goes with the process anyway.
      }
      lock = null;
    }
  }

  /** Reads every row of the complete cache into {@code cache}, then seals it. */
  private void load(RowCache cache, Map<String, String> manifest) throws IOException {
    Path rows = layout.folder().resolve(manifest.get("rows_file"));
    // Known before a byte is read: the file's size is about what its rows take in memory.
    long fileBytes = Long.parseLong(manifest.get("rows_bytes"));
    if (fileBytes > cache.budgetLimit()) {
      throw new MemoryBudgetException("the memory budget of " + cache.budgetLimit() + " bytes"
          + " cannot hold the cache of rows at '" + pathPrefix + "': its file " + rows + " holds "
          + fileBytes + " bytes, which are loaded into memory to serve; raise"
          + " options.memory_budget");
    }
    BatchAssembler segments = null;
    try (RowFileReader reader = format.open(rows)) {
      while (reader.next()) {
        Batch chunk = reader.chunk();
        if (chunk.rows() == 0) {
          continue;
        }
        int[] files = new int[chunk.rows()];
        long[] records = new long[chunk.rows()];
        long[] offsets = new long[chunk.rows()];
        for (int r = 0; r < chunk.rows(); r++) {
          files[r] = reader.sourceFile(r);
          records[r] = reader.record(r);
          offsets[r] = reader.offset(r);
        }
        segments = new BatchAssembler(spec.features(), PaddingSpec.none(), memory, chunk.rows());
        segments.appendAll(chunk);
        cache.add(segments.finish(), files, records, offsets);
        segments = null;
      }
    } finally {
      if (segments != null) {
        segments.abandon();
      }
    }
    for (int i = 0; i < shardFiles.size(); i++) {
      cache.recordsOf(shardFiles.get(i), Long.parseLong(manifest.get("records." + i)));
    }
    if (cache.rowsAdded() != Long.parseLong(manifest.get("rows"))) {
      throw new IOException("the cache file " + rows + " holds " + cache.rowsAdded()
          + " rows, its manifest says " + manifest.get("rows"));
    }
    cache.seal();
  }

  /**
   * The manifest's lines as keys and values when the cache is complete and this pipeline's;
   * {@code null} when there is none.
   *
   * @throws CacheMismatchException when it belongs to another pipeline or its file changed
   */
  private Map<String, String> readManifest() throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(layout.manifest(), StandardCharsets.UTF_8);
    } catch (NoSuchFileException absent) {
      return null;
    }
    if (lines.isEmpty() || !lines.get(lines.size() - 1).equals(MANIFEST_CLOSING)) {
      throw new IOException("the cache manifest " + layout.manifest() + " does not end with '"
          + MANIFEST_CLOSING + "': it is not one ingest wrote whole; delete the cache's files");
    }
    List<String> differences = CacheFingerprint.parse(lines).differences(fingerprint);
    Map<String, String> entries = new LinkedHashMap<>();
    for (String line : lines) {
      int equals = line.indexOf('=');
      if (equals > 0) {
        entries.put(line.substring(0, equals), line.substring(equals + 1));
      }
    }
    if (differences.isEmpty()) {
      String name = entries.get("rows_file");
      Path rows = name == null ? null : layout.folder().resolve(name);
      long expected = Long.parseLong(entries.getOrDefault("rows_bytes", "-1"));
      long actual = rows != null && Files.exists(rows) ? Files.size(rows) : -1;
      if (actual != expected) {
        differences = List.of("cache file " + rows + ": " + (actual < 0 ? "missing"
            : actual + " bytes") + ", the manifest says " + expected + " bytes");
      }
    }
    if (!differences.isEmpty()) {
      throw new CacheMismatchException(pathPrefix, differences);
    }
    return entries;
  }

  /** What decides the cached rows: see {@link CacheFingerprint#ofRows}. */
  private CacheFingerprint fingerprint() throws IOException {
    List<String> identities = new ArrayList<>();
    for (Transform transform : spec.transforms().subList(0, spec.cache().transformsBefore())) {
      String identity = transform.identity();
      if (identity == null) {
        throw new IllegalArgumentException("the transform '" + transform.name() + "' runs before"
            + " the cache in files '" + pathPrefix + "' but declares no version, so a cache filled"
            + " by another version of it could not be told apart: implement dev.ingest.Versioned"
            + " on its class (or give it one with version: in the YAML config), or keep the cache"
            + " in memory");
      }
      identities.add(identity);
    }
    return CacheFingerprint.ofRows(spec.source(), shardFiles, format.name(), spec.features(),
        identities);
  }

  private static RowFileFormat format() {
    return ServiceLoader.load(RowFileFormat.class).findFirst()
        .orElseThrow(() -> new IllegalStateException("a cache of rows in files needs a row file"
            + " format on the class path: add the ingest-arrow module (dev.ingest:ingest-arrow)"));
  }
}
