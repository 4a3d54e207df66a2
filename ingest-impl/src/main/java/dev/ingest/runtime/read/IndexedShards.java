package dev.ingest.runtime.read;

import dev.ingest.tfrecord.index.RecordIndex;
import java.nio.file.Path;
import java.util.List;

/**
 * The records of several indexed shards as one range of global ids: file 0's records first, then
 * file 1's, and so on. Maps a global id to its file and to its record's place there.
 *
 * <p>Immutable and safe to share between threads.
 */
public final class IndexedShards {
  private final List<Path> files;
  private final List<RecordIndex> indexes;
  /** {@code firstIds[f]} is file f's first global id; {@code firstIds[fileCount]} the total. */
  private final long[] firstIds;

  private IndexedShards(List<Path> files, List<RecordIndex> indexes, long[] firstIds) {
    this.files = files;
    this.indexes = indexes;
    this.firstIds = firstIds;
  }

  /** The shards {@code files}, each with its index, in this order. */
  public static IndexedShards of(List<Path> files, List<RecordIndex> indexes) {
    if (files.size() != indexes.size()) {
      throw new IllegalArgumentException(
          files.size() + " files and " + indexes.size() + " indexes: one index per file");
    }
    long[] firstIds = new long[files.size() + 1];
    for (int f = 0; f < files.size(); f++) {
      firstIds[f + 1] = firstIds[f] + indexes.get(f).count();
    }
    return new IndexedShards(List.copyOf(files), List.copyOf(indexes), firstIds);
  }

  /** The records of all files. */
  public long records() {
    return firstIds[firstIds.length - 1];
  }

  public int fileCount() {
    return files.size();
  }

  public Path file(int fileIndex) {
    return files.get(fileIndex);
  }

  /** The index of the file that holds record {@code id}. */
  public int fileOf(long id) {
    if (id < 0 || id >= records()) {
      throw new IndexOutOfBoundsException("record " + id + " of " + records());
    }
    // The last file whose first id is at most id (empty files share their first id with the next).
    int low = 0;
    int high = files.size() - 1;
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

  /** The global id of file {@code fileIndex}'s first record. */
  public long firstId(int fileIndex) {
    return firstIds[fileIndex];
  }

  /** Record {@code id}'s index within its file. */
  public long indexInFile(long id) {
    return id - firstIds[fileOf(id)];
  }

  /** The byte offset of record {@code id}'s header in its (uncompressed) file. */
  public long offset(long id) {
    int file = fileOf(id);
    return indexes.get(file).offset(id - firstIds[file]);
  }

  /** Record {@code id}'s payload length, without its framing. */
  public int length(long id) {
    int file = fileOf(id);
    return (int) indexes.get(file).length(id - firstIds[file]);
  }
}
