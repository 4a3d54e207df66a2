package dev.ingest.runtime;

import dev.ingest.CorruptRecordException;
import dev.ingest.RecordProblem;
import dev.ingest.tfrecord.TFRecordReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Damages a record of a plain TFRecord file in place, and says what a reader checking every CRC
 * reports for it: the failure a pipeline must surface, at the same record.
 */
final class DamagedRecords {
  /** Bytes before a record's data: its length and the length's CRC. */
  static final int HEADER = 12;

  private DamagedRecords() {}

  /** Flips one byte of record {@code index}, {@code byteInRecord} bytes from its header. */
  static void flipByte(Path file, int index, int byteInRecord) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[recordStart(bytes, index) + byteInRecord] ^= 0x40;
    Files.write(file, bytes);
  }

  /** Flips a byte in record {@code index}'s data: a data CRC mismatch there. */
  static void flipDataByte(Path file, int index) throws IOException {
    flipByte(file, index, HEADER + 2);
  }

  /** The data length of record {@code index}. */
  static int recordLength(Path file, int index) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    return (int) ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN)
        .getLong(recordStart(bytes, index));
  }

  /** Where record {@code index}'s header starts in framed bytes. */
  static int recordStart(byte[] framed, int index) {
    ByteBuffer view = ByteBuffer.wrap(framed).order(ByteOrder.LITTLE_ENDIAN);
    int position = 0;
    for (int i = 0; i < index; i++) {
      position += HEADER + (int) view.getLong(position) + 4;
    }
    return position;
  }

  /** What a reader checking every CRC itself throws for the file. */
  static RecordProblem problemTheReaderReports(Path file) throws IOException {
    try (TFRecordReader reader = TFRecordReader.open(file)) {
      while (reader.advance()) {
        // read on to the problem
      }
    } catch (CorruptRecordException e) {
      return e.problem();
    }
    throw new AssertionError(file + " has no problem");
  }
}
