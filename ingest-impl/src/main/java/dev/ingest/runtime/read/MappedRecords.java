package dev.ingest.runtime.read;

import static dev.ingest.tfrecord.TFRecordFormat.FRAMING_BYTES;
import static dev.ingest.tfrecord.TFRecordFormat.HEADER_BYTES;

import dev.ingest.CorruptRecordException;
import dev.ingest.CorruptionPolicy;
import dev.ingest.RecordProblem;
import dev.ingest.RecordProblem.Kind;
import dev.ingest.tfrecord.MaskedCrc32c;
import dev.ingest.tfrecord.StoragePaths;
import dev.ingest.tfrecord.TFRecordReader;
import dev.ingest.tfrecord.TFRecordReaderOptions;
import dev.ingest.tfrecord.index.RecordIndex;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.LongUnaryOperator;
import java.util.zip.CRC32C;

/**
 * The records of an epoch in the order given by global ids, from local files mapped into memory:
 * each record is looked up in the index, checked where it lies and handed out in place, with no
 * chunk, sort, copy or thread. For page-cached local files this costs a few lookups and the CRCs
 * per record, where {@link CoalescedRecords} plans, sorts and copies each record as a span of its
 * own once a random order finds no neighbours.
 *
 * <p>Checks are {@link CoalescedRecords}'s: the length's CRC, the length against the index's, and
 * the data's CRC, always here (never deferred to a parse worker) so that a file cut short under
 * its mapping faults here, where the fault becomes a truncated record naming the file, and not
 * in another thread. Under {@link CorruptionPolicy#SKIP} a bad record is reported and skipped;
 * under {@link CorruptionPolicy#FAIL} it is thrown.
 *
 * <p>The buffer is the whole file's mapping; {@link #lendsBuffer()} is false, so a caller copies
 * what it keeps. Mappings end when the collector frees them (Java unmaps no sooner). One thread
 * calls every method.
 */
public final class MappedRecords implements OrderedRecords {
  private final IndexedShards shards;
  private final LongUnaryOperator idAt;
  private final long count;
  private final TFRecordReaderOptions options;
  private final ByteBuf[] mapped;
  /** Per file, a view of its mapping whose bounds the data CRC moves (no view per record). */
  private final ByteBuffer[] views;
  private final CRC32C crc = new CRC32C();
  private long passed;
  /** The problem thrown under {@code fail}: the reader stays failed. */
  private CorruptRecordException failure;
  private int file;
  private long offset;
  private int start;
  private int length;
  private long indexInFile;
  private int maskedDataCrc;

  /**
   * @param idAt the id of the j-th record to return, for j in [0, count)
   * @param options the checks, the corruption policy and the problem listener
   */
  public MappedRecords(IndexedShards shards, LongUnaryOperator idAt, long count,
      TFRecordReaderOptions options) {
    this.shards = shards;
    this.idAt = idAt;
    this.count = count;
    this.options = options;
    this.mapped = new ByteBuf[shards.fileCount()];
    this.views = new ByteBuffer[shards.fileCount()];
  }

  /** Whether every file is local and small enough for one mapping ({@code int} offsets). */
  public static boolean fits(IndexedShards shards) throws IOException {
    for (int f = 0; f < shards.fileCount(); f++) {
      Path path = shards.file(f);
      if (!StoragePaths.isLocal(path) || Files.size(path) > Integer.MAX_VALUE) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean advance() throws IOException {
    if (failure != null) {
      throw failure;
    }
    while (passed < count) {
      long id = idAt.applyAsLong(passed++);
      file = shards.fileOf(id);
      indexInFile = id - shards.firstId(file);
      RecordIndex index = shards.index(file);
      offset = index.offset(indexInFile);
      // Capped, not cut: any length past an int is past every record size limit, and refused.
      int indexed = (int) Math.min(index.length(indexInFile), Integer.MAX_VALUE);
      RecordProblem problem;
      try {
        problem = check(map(file), indexed);
      } catch (InternalError fault) {
        // The JVM's answer to a fault in a mapping: the file was cut short under it.
        problem = problem(Kind.TRUNCATED, "the file changed while it was read (the bytes at "
            + offset + " are gone)");
      }
      if (problem == null) {
        return true;
      }
      options.problemListener().accept(problem);
      if (options.onCorrupt() == CorruptionPolicy.FAIL) {
        failure = new CorruptRecordException(problem);
        throw failure;
      }
    }
    return false;
  }

  /** Checks the record at {@link #offset}; null when it is good. */
  private RecordProblem check(ByteBuf buffer, int indexed) {
    if (indexed > options.maxRecordBytes()) {
      return problem(Kind.TOO_LARGE, "the index gives a length of " + indexed
          + ", above the limit of " + options.maxRecordBytes() + " bytes");
    }
    if (offset + FRAMING_BYTES + indexed > buffer.capacity()) {
      return problem(Kind.TRUNCATED, "the file ends at byte " + buffer.capacity()
          + ", and the index says this record ends at byte " + (offset + FRAMING_BYTES + indexed));
    }
    int header = (int) offset;
    long stored = buffer.getLongLE(header);
    if (options.verifyCrc()) {
      int actual = MaskedCrc32c.ofLength(stored);
      int storedCrc = buffer.getIntLE(header + 8);
      if (actual != storedCrc) {
        return TFRecordReader.lengthCrcProblem(shards.file(file), offset, indexInFile, storedCrc,
            actual);
      }
    }
    if (stored != indexed) {
      return problem(Kind.LENGTH_CRC, "the header gives a length of "
          + Long.toUnsignedString(stored) + " and the index " + indexed
          + ": the index is stale or the file changed since it was indexed");
    }
    start = header + HEADER_BYTES;
    length = indexed;
    maskedDataCrc = buffer.getIntLE(start + length);
    if (options.verifyCrc()) {
      ByteBuffer view = views[file];
      view.limit(start + length).position(start);
      int actual = MaskedCrc32c.of(crc, view);
      view.clear();
      if (actual != maskedDataCrc) {
        return TFRecordReader.dataCrcProblem(shards.file(file), offset, indexInFile,
            maskedDataCrc, actual);
      }
    }
    return null;
  }

  private ByteBuf map(int f) throws IOException {
    ByteBuf buffer = mapped[f];
    if (buffer == null) {
      try (FileChannel channel = FileChannel.open(shards.file(f), StandardOpenOption.READ)) {
        MappedByteBuffer mapping = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
        buffer = Unpooled.wrappedBuffer(mapping);
        views[f] = mapping.duplicate();
      }
      mapped[f] = buffer;
    }
    return buffer;
  }

  private RecordProblem problem(Kind kind, String detail) {
    return new RecordProblem(shards.file(file), offset, indexInFile, kind, detail);
  }

  @Override
  public ByteBuf buffer() {
    return mapped[file];
  }

  @Override
  public int start() {
    return start;
  }

  @Override
  public int length() {
    return length;
  }

  @Override
  public int fileIndex() {
    return file;
  }

  @Override
  public Path file() {
    return shards.file(file);
  }

  @Override
  public long offset() {
    return offset;
  }

  @Override
  public long indexInFile() {
    return indexInFile;
  }

  @Override
  public int maskedDataCrc() {
    return maskedDataCrc;
  }

  @Override
  public boolean lendsBuffer() {
    return false; // a mapping read elsewhere could fault where no one turns it into a problem
  }

  @Override
  public boolean dataCrcChecked() {
    return options.verifyCrc();
  }

  @Override
  public long positionsPassed() {
    return passed;
  }

  @Override
  public void close() {
    for (int f = 0; f < mapped.length; f++) {
      if (mapped[f] != null) {
        mapped[f].release();
        mapped[f] = null;
      }
    }
  }
}
