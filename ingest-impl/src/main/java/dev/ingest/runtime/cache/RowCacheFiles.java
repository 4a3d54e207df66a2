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
 *   PREFIX.filling      while a fill is under way or was cut short: the fingerprint it is for,
 *                       the fill's order, and the parts of its journal published so far
 *   PREFIX.lock         locked by the one run that fills (FileChannel.tryLock)
 *   PREFIX.rows.part-00000.arrow       a fill first's journal: its rows, a part every 64 MiB
 *   PREFIX.rows.arrow.tmp-PID-RANDOM   the rows file (or a part) being written
 * </pre>
 *
 * <p>Which run uses which files, as for the record cache ({@link FileRecordCache}): a complete
 * cache of this pipeline is loaded; one of another pipeline is refused with a {@link
 * CacheMismatchException} naming what differs; an incomplete one is filled by the run that takes
 * the lock; a run that finds the lock taken fills its memory only. Every step leaves whole files
 * or none ({@link AtomicFiles}).
 *
 * <p>A fill that runs before the first epoch (see {@code SourceTask}) reads in the same order in
 * every run, so it keeps a journal: parts of its rows, each published whole once it reaches
 * {@link #PART_BYTES_PROPERTY 64 MiB} and named in {@code PREFIX.filling} with the units of the
 * fill it holds. A run after a kill keeps the whole parts of the same pipeline and order, loads
 * them, and the source parses only the records after them ({@link #reusedUnits()}); at the seal
 * the rows file is written whole from memory and the parts are deleted. A fill as the first
 * epoch reads follows that run's epoch order, so it writes the rows file directly, and a fill of
 * it cut short is done again from the start.
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
   * Whether this fill keeps a journal of parts (a fill before the first epoch, whose order is the
   * same in every run, so that the next run can keep the parts a fill cut short published), or
   * writes the rows file directly (a fill as the first epoch reads, whose order a later run that
   * starts afresh would not repeat with the same units).
   */
  private boolean journaled;
  /** The journal's order line: what decides which records make up each unit of the fill. */
  private String order;
  /** The parts published so far, in fill order. */
  private final List<Part> parts = new ArrayList<>();
  /** Units and rows in the part being written (it may have no writer yet: only empty units). */
  private long unitsInPart;
  private long rowsInPart;
  /** Units of the fill the parts kept from a fill cut short hold: the fill goes on after them. */
  private long reusedUnits;
  private final long partBytes;

  /** One published part of a fill's journal: its file, the units of the fill and rows it holds. */
  private record Part(Path file, long units, long rows, long bytes) {
    String line(int index) {
      return "part." + index + "=" + file.getFileName() + " units=" + units + " rows=" + rows
          + " bytes=" + bytes;
    }
  }

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
    this.partBytes = Long.getLong(PART_BYTES_PROPERTY, DEFAULT_PART_BYTES);
  }

  /**
   * The size at which a fill's journal closes a part and starts the next, in bytes: what a fill
   * cut short can lose at most. A system property, so that tests can make parts small.
   */
  static final String PART_BYTES_PROPERTY = "ingest.rowCache.partBytes";
  private static final long DEFAULT_PART_BYTES = 64L << 20;

  /**
   * Refuses, before the pipeline starts, a file cache of rows it cannot use: a transform before
   * the cache that declares no version, no file format on the class path, or a complete cache of
   * another pipeline at the prefix.
   *
   * @throws IllegalArgumentException for a transform without a version
   * @throws CacheMismatchException naming the prefix and what differs
   */
  public static void refuseMismatch(PipelineSpec spec, List<Path> files) {
    RowCacheFiles cacheFiles = new RowCacheFiles(spec, files, null);
    try {
      cacheFiles.fingerprint = cacheFiles.fingerprint();
      cacheFiles.readManifest();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the cache at '" + cacheFiles.pathPrefix + "': "
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
  public void open(RowCache cache, boolean fillFirst) throws IOException {
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
    journaled = fillFirst;
    order = fillFirst ? "fill-first interleave=" + spec.source().cycleLength() + "/"
        + spec.source().blockLength() + " batch=" + spec.batchSize() : "as-read";
    List<Part> kept = journaled ? partsToKeep() : List.of();
    for (Path stale : layout.dataAndTemporaryFiles()) {
      if (kept.stream().noneMatch(part -> part.file().equals(stale))) {
        Files.deleteIfExists(stale);
      }
    }
    for (Part part : kept) {
      loadPart(cache, part.file());
      parts.add(part);
      reusedUnits += part.units();
    }
    cache.countUnitsAdded(reusedUnits);
    writeFilling();
    if (!journaled) {
      temporary = CacheLayout.temporary(layout.rows(format.extension()));
      writer = format.create(temporary, spec.features());
    }
    cache.sendTo(this);
  }

  /** Units of the fill that parts kept from a fill cut short hold: the fill starts after them. */
  public long reusedUnits() {
    return reusedUnits;
  }

  @Override
  public synchronized void write(Batch segment, int[] sourceFiles, long[] records, long[] offsets)
      throws IOException {
    if (closed) {
      return;
    }
    if (writer == null) {
      startPart();
    }
    writer.write(segment, segment.rows(), sourceFiles, records, offsets);
    if (journaled) {
      unitsInPart++;
      rowsInPart += segment.rows();
      if (Files.size(temporary) >= partBytes) {
        publishPart();
      }
    }
  }

  @Override
  public synchronized void skipped() throws IOException {
    if (!closed && journaled) {
      unitsInPart++;
    }
  }

  /** Every row is in: the rows file is published, then the manifest, and the lock goes back. */
  @Override
  public synchronized void sealed(RowCache cache) throws IOException {
    if (closed) {
      return;
    }
    if (journaled) {
      // The journal's parts were for a fill cut short; the cache is one file: written whole
      // from the rows in memory, then the parts go.
      if (writer != null) {
        writer.close();
        Files.deleteIfExists(temporary);
      }
      temporary = CacheLayout.temporary(layout.rows(format.extension()));
      writer = format.create(temporary, spec.features());
      cache.forEachSegment(
          (segment, files, records, offsets) -> writer.write(segment, segment.rows(), files,
              records, offsets));
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
    for (Part part : parts) {
      Files.deleteIfExists(part.file());
    }
    close();
  }

  /** Starts the part (or, unjournaled, the rows file) the next rows are written to. */
  private void startPart() throws IOException {
    Path target = journaled ? layout.rowsPart(parts.size(), format.extension())
        : layout.rows(format.extension());
    temporary = CacheLayout.temporary(target);
    writer = format.create(temporary, spec.features());
  }

  /** Publishes the part being written, whole, and names it in the journal. */
  private void publishPart() throws IOException {
    writer.finish();
    writer.close();
    writer = null;
    Path file = layout.rowsPart(parts.size(), format.extension());
    AtomicFiles.publish(temporary, file);
    temporary = null;
    parts.add(new Part(file, unitsInPart, rowsInPart, Files.size(file)));
    unitsInPart = 0;
    rowsInPart = 0;
    writeFilling();
  }

  /** {@code PREFIX.filling}: the fingerprint, the fill's order, and the parts published. */
  private void writeFilling() throws IOException {
    List<String> lines = new ArrayList<>(fingerprint.lines());
    lines.add("order=" + order);
    for (int i = 0; i < parts.size(); i++) {
      lines.add(parts.get(i).line(i));
    }
    AtomicFiles.writeLines(layout.filling(), lines);
  }

  /**
   * The parts a fill cut short published that this fill may keep: the journal must be this
   * pipeline's, in the same order, and each part whole at its recorded size; the first that is
   * not ends the list (the fill goes on from there).
   */
  private List<Part> partsToKeep() throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(layout.filling(), StandardCharsets.UTF_8);
    } catch (NoSuchFileException absent) {
      return List.of();
    }
    if (!CacheFingerprint.parse(lines).differences(fingerprint).isEmpty()
        || !lines.contains("order=" + order)) {
      return List.of();
    }
    List<Part> kept = new ArrayList<>();
    for (String line : lines) {
      if (!line.startsWith("part." + kept.size() + "=")) {
        continue;
      }
      String[] words = line.substring(line.indexOf('=') + 1).split(" ");
      try {
        Path file = layout.folder().resolve(words[0]);
        long units = Long.parseLong(words[1].substring("units=".length()));
        long rows = Long.parseLong(words[2].substring("rows=".length()));
        long bytes = Long.parseLong(words[3].substring("bytes=".length()));
        if (!file.equals(layout.rowsPart(kept.size(), format.extension()))
            || !Files.exists(file) || Files.size(file) != bytes) {
          break;
        }
        kept.add(new Part(file, units, rows, bytes));
      } catch (RuntimeException unreadable) {
        break; // a line this code did not write: keep what came before it
      }
    }
    return kept;
  }

  /** Adds the rows of one file of this format to {@code cache}. */
  private void loadPart(RowCache cache, Path file) throws IOException {
    BatchAssembler segments = null;
    try (RowFileReader reader = format.open(file)) {
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
    loadPart(cache, rows);
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
