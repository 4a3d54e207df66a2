package dev.ingest.runtime.read;

import dev.ingest.MissingIndexException;
import dev.ingest.tfrecord.TFRecordReaderOptions;
import dev.ingest.tfrecord.index.RecordIndex;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Every record of a pipeline's shards, in their sorted order, addressed by one id in [0, {@link
 * #records()}): ids are dealt file by file in the order the files are given, so file {@code f}
 * holds ids {@code [firstId(f), firstId(f + 1))} and an empty file holds none. A global shuffle
 * permutes these ids and reads each record with a seek to {@link #offset}.
 *
 * <p>Each shard's {@link RecordIndex} comes from its {@code .idx} sidecar; {@link #load} says what
 * is done when one is missing ({@link Missing}). Whatever the policy, a sidecar written for
 * another version of its shard ({@link dev.ingest.StaleIndexException}) or not a whole index
 * ({@link dev.ingest.CorruptIndexException}) is refused, as is a compressed shard ({@link
 * dev.ingest.tfrecord.index.CompressedShardException}): a GZIP or ZLIB stream decodes only from
 * its start, so no byte offset inside it is a record a reader could jump to.
 *
 * <p>Immutable once loaded. {@link #fileOf} is a binary search over the files' first ids,
 * O(log files); the others are O(1) beyond it. Memory is the indexes' own: 8 bytes a record.
 */
public final class IndexedShards {
  /** What to do about a shard with no sidecar index. */
  public enum Missing {
    /**
     * Refuse: a {@link MissingIndexException} naming the shard and the {@code ingest index}
     * command that writes its index.
     */
    REFUSE,
    /**
     * Build it by reading the shard (before the first epoch), write it beside the shard when the
     * location is writable, and go on either way (kept in memory when it cannot be written).
     */
    BUILD
  }

  private final List<Path> files;
  private final RecordIndex[] indexes;
  /** {@code firstIds[f]} is file f's first id; {@code firstIds[fileCount()]} is records(). */
  private final long[] firstIds;
  private final List<Path> built;
  private final List<Path> unwritten;

  private IndexedShards(List<Path> files, RecordIndex[] indexes, List<Path> built,
      List<Path> unwritten) {
    this.files = List.copyOf(files);
    this.indexes = indexes;
    this.built = List.copyOf(built);
    this.unwritten = List.copyOf(unwritten);
    firstIds = new long[indexes.length + 1];
    for (int f = 0; f < indexes.length; f++) {
      firstIds[f + 1] = firstIds[f] + indexes[f].count();
    }
  }

  /**
   * Loads the sidecar index of each of {@code files}, in the order the pipeline reads them, and
   * under {@link Missing#BUILD} builds the missing ones. Both are done in parallel across shards
   * on {@code ingest-index-N} threads ({@link IndexThreads}), none of which is left when this
   * returns or throws: on an object store each sidecar is a request or two, and each build reads
   * a whole shard.
   *
   * @param options the read settings used to build a missing index (a store's read-ahead, the
   *     buffer size); compression is detected and corruption always fails, see {@link
   *     RecordIndex#build(Path, TFRecordReaderOptions)}
   * @throws MissingIndexException under {@link Missing#REFUSE}, for the first shard without an
   *     index
   * @throws dev.ingest.StaleIndexException if a sidecar was written for another version of its
   *     shard
   * @throws dev.ingest.CorruptIndexException if a sidecar is not a whole index
   * @throws dev.ingest.tfrecord.index.CompressedShardException if a shard without an index is
   *     GZIP or ZLIB compressed
   * @throws dev.ingest.CorruptRecordException if a shard being indexed has a corrupt record
   * @throws IOException if a shard or sidecar cannot be read
   */
  public static IndexedShards load(List<Path> files, Missing missing,
      TFRecordReaderOptions options) throws IOException {
    return load(files, missing, options, RecordIndex::writeBeside);
  }

  /** {@link #load} with the writer of built sidecars given, so tests can refuse the write. */
  static IndexedShards load(List<Path> files, Missing missing, TFRecordReaderOptions options,
      IndexBuilder.SidecarWriter writer) throws IOException {
    Objects.requireNonNull(missing, "missing");
    Objects.requireNonNull(options, "options");
    if (files.isEmpty()) {
      return new IndexedShards(files, new RecordIndex[0], List.of(), List.of());
    }
    try (IndexThreads threads = new IndexThreads(files.size())) {
      List<IndexThreads.ShardTask<RecordIndex>> loads = new ArrayList<>();
      for (Path shard : files) {
        loads.add(() -> loadedOrNull(shard));
      }
      RecordIndex[] indexes = threads.invokeAll(loads).toArray(RecordIndex[]::new);
      List<Integer> withoutIndex = new ArrayList<>();
      for (int f = 0; f < indexes.length; f++) {
        if (indexes[f] == null) {
          withoutIndex.add(f);
        }
      }
      if (withoutIndex.isEmpty()) {
        return new IndexedShards(files, indexes, List.of(), List.of());
      }
      if (missing == Missing.REFUSE) {
        Path shard = files.get(withoutIndex.get(0));
        IndexBuilder.refuseIfCompressed(shard, options);
        throw new MissingIndexException(shard, RecordIndex.sidecarOf(shard));
      }
      List<IndexThreads.ShardTask<IndexBuilder.Built>> builds = new ArrayList<>();
      for (int f : withoutIndex) {
        Path shard = files.get(f);
        builds.add(() -> IndexBuilder.buildAndWrite(shard, options, writer));
      }
      List<IndexBuilder.Built> results = threads.invokeAll(builds);
      List<Path> built = new ArrayList<>();
      List<Path> unwritten = new ArrayList<>();
      for (int i = 0; i < results.size(); i++) {
        int f = withoutIndex.get(i);
        indexes[f] = results.get(i).index();
        if (results.get(i).sidecar() != null) {
          built.add(results.get(i).sidecar());
        } else {
          unwritten.add(files.get(f));
        }
      }
      return new IndexedShards(files, indexes, built, unwritten);
    }
  }

  /** The shard's index from its sidecar, or null if it has none. */
  private static RecordIndex loadedOrNull(Path shard) throws IOException {
    try {
      return RecordIndex.loadBeside(shard);
    } catch (NoSuchFileException e) {
      if (RecordIndex.sidecarOf(shard).toString().equals(e.getFile())) {
        return null;
      }
      throw e; // the shard itself is gone
    }
  }

  /**
   * The shards read through the indexes given, one for each file in the same order (for tests,
   * and callers that hold the indexes already).
   */
  public static IndexedShards of(List<Path> files, List<RecordIndex> indexes) {
    if (files.size() != indexes.size()) {
      throw new IllegalArgumentException(files.size() + " files and " + indexes.size()
          + " indexes: each file needs its index");
    }
    RecordIndex[] array = indexes.toArray(RecordIndex[]::new);
    for (RecordIndex index : array) {
      Objects.requireNonNull(index, "an index");
    }
    return new IndexedShards(files, array, List.of(), List.of());
  }

  /** The number of records in all files. */
  public long records() {
    return firstIds[indexes.length];
  }

  /** The number of files, empty ones included. */
  public int fileCount() {
    return indexes.length;
  }

  /** File {@code fileIndex}, in the order given. */
  public Path file(int fileIndex) {
    return files.get(fileIndex);
  }

  /** The file that holds record {@code id}: never an empty one. */
  public int fileOf(long id) {
    if (id < 0 || id >= records()) {
      throw new IndexOutOfBoundsException("record " + id + " of " + records());
    }
    // The last file whose first id is at most id; files after an empty one share its first id,
    // and the last of them is the one that holds id.
    int low = 0;
    int high = indexes.length - 1;
    while (low < high) {
      int middle = (low + high + 1) >>> 1;
      if (firstIds[middle] <= id) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    return low;
  }

  /** The id of file {@code fileIndex}'s first record (the next file's, if it is empty). */
  public long firstId(int fileIndex) {
    Objects.checkIndex(fileIndex, indexes.length);
    return firstIds[fileIndex];
  }

  /** Record {@code id}'s position in its file, from 0. */
  public long indexInFile(long id) {
    return id - firstIds[fileOf(id)];
  }

  /**
   * File {@code fileIndex}'s own index: a reader that found a record's file once ({@link
   * #fileOf}) asks it for the offset and length, without searching again for each.
   */
  public RecordIndex index(int fileIndex) {
    return indexes[fileIndex];
  }

  /** The byte offset of record {@code id}'s header in its file. */
  public long offset(long id) {
    int file = fileOf(id);
    return indexes[file].offset(id - firstIds[file]);
  }

  /** The payload length of record {@code id}, without its 16 bytes of framing. */
  public int length(long id) {
    int file = fileOf(id);
    return Math.toIntExact(indexes[file].length(id - firstIds[file]));
  }

  /**
   * The sidecars this load built and wrote beside their shards, in file order: for the run
   * report. A shard whose index was built but could not be written is in {@link #unwritten()}
   * instead; the indexes built are those of both lists.
   */
  public List<Path> built() {
    return built;
  }

  /**
   * The shards, in file order, whose index this load built and could not write beside them (a
   * read-only folder, a store that refuses the upload): read through an index kept in memory,
   * and built again by the next load.
   */
  public List<Path> unwritten() {
    return unwritten;
  }
}
