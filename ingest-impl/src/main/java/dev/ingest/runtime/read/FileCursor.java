package dev.ingest.runtime.read;

import dev.ingest.tfrecord.TFRecordReader;
import dev.ingest.tfrecord.TFRecordReaderOptions;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A file's records from the file, through a {@link TFRecordReader}; with a cache, each record is
 * also copied into it as it is read, and the file is marked complete in the cache when its end is
 * reached (a file closed before its end is abandoned: the cache replays nothing of it). A file
 * cache replays its own files through one too ({@link #replaying}), counting what it serves.
 */
public final class FileCursor implements RecordCursor {
  private final TFRecordReader reader;
  private final RecordCache.Filling filling;
  /** Runs once per record returned, or {@code null}. */
  private final Runnable onRecord;
  private boolean filled;

  /** @param filling where to copy the records, or {@code null} for no cache */
  FileCursor(Path file, TFRecordReaderOptions options, RecordCache.Filling filling)
      throws IOException {
    this(file, options, filling, null);
  }

  private FileCursor(Path file, TFRecordReaderOptions options, RecordCache.Filling filling,
      Runnable onRecord) throws IOException {
    this.filling = filling;
    this.onRecord = onRecord;
    try {
      this.reader = TFRecordReader.open(file, options);
    } catch (IOException | RuntimeException e) {
      if (filling != null) {
        filling.abandon(); // nobody else will: the cursor the caller would close does not exist
      }
      throw e;
    }
  }

  /** A cache's own file, replayed: {@code onRecord} runs for each record it returns. */
  public static FileCursor replaying(Path cacheFile, TFRecordReaderOptions options, Runnable onRecord)
      throws IOException {
    return new FileCursor(cacheFile, options, null, onRecord);
  }

  /**
   * A cursor that starts at the record at {@code offset}, after {@code recordsBefore} records
   * (see {@link TFRecordReader#seek}); it fills no cache, since it does not see the whole file.
   */
  static FileCursor at(Path file, TFRecordReaderOptions options, long offset, long recordsBefore)
      throws IOException {
    FileCursor cursor = new FileCursor(file, options, null);
    try {
      cursor.reader.seek(offset, recordsBefore);
    } catch (IOException | RuntimeException e) {
      cursor.close();
      throw e;
    }
    return cursor;
  }

  @Override
  public boolean advance() throws IOException {
    if (!reader.advance()) {
      if (filling != null && !filled) {
        filled = true;
        if (reader.problems() == 0) {
          filling.complete();
        } else {
          // Records were skipped: the cache's offsets would no longer be the file's, which
          // checkpoints rely on. Such a file is read from its source every epoch instead.
          filling.completeWithSkips();
        }
      }
      return false;
    }
    if (filling != null) {
      filling.add(reader.buffer(), reader.recordStart(), reader.recordLength(),
          reader.recordOffset(), reader.recordMaskedDataCrc());
    }
    if (onRecord != null) {
      onRecord.run();
    }
    return true;
  }

  @Override
  public ByteBuf buffer() {
    return reader.buffer();
  }

  @Override
  public int recordStart() {
    return reader.recordStart();
  }

  @Override
  public int recordLength() {
    return reader.recordLength();
  }

  @Override
  public Path file() {
    return reader.file();
  }

  @Override
  public long recordOffset() {
    return reader.recordOffset();
  }

  @Override
  public long recordsRead() {
    return reader.recordsRead();
  }

  @Override
  public int recordMaskedDataCrc() {
    return reader.recordMaskedDataCrc();
  }

  @Override
  public boolean lendsBuffer() {
    return true; // the reader moves to a fresh buffer rather than touch a retained one
  }

  @Override
  public void close() throws IOException {
    if (filling != null && !filled) {
      filled = true;
      filling.abandon();
    }
    reader.close();
  }
}
