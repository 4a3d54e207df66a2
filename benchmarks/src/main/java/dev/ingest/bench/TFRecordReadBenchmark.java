package dev.ingest.bench;

import dev.ingest.tfrecord.TFRecordReader;
import dev.ingest.tfrecord.TFRecordReaderOptions;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.Control;

/**
 * The format layer alone: {@link TFRecordReader} reading a page-cache-resident plain TFRecord
 * file from start to end. One operation is one pass (open, read every record, close); the
 * counters give bytes/s and records/s.
 *
 * <p>{@code next()} hands out a slice per record, {@code advance()} only moves indices; each is
 * measured with CRC verification on (the default) and off, so the report can tell framing cost,
 * CRC cost and slice cost apart. Every pass checks it saw all the records, so a reader that
 * stopped early cannot pass for a fast one.
 */
public class TFRecordReadBenchmark extends BenchmarkDefaults {
  private static final TFRecordReaderOptions VERIFYING = TFRecordReaderOptions.defaults();
  private static final TFRecordReaderOptions NOT_VERIFYING =
      TFRecordReaderOptions.defaults().withVerifyCrc(false);

  @Benchmark
  public void nextVerifyingCrc(
      TFRecordFile file, DiskReads disk, PassCounters counters, Blackhole bh, Control control)
      throws IOException {
    boolean measured = PassCounters.measured(control);
    finishPass(file, readWithNext(file, VERIFYING), measured, counters, bh);
  }

  @Benchmark
  public void nextWithoutCrc(
      TFRecordFile file, DiskReads disk, PassCounters counters, Blackhole bh, Control control)
      throws IOException {
    boolean measured = PassCounters.measured(control);
    finishPass(file, readWithNext(file, NOT_VERIFYING), measured, counters, bh);
  }

  @Benchmark
  public void advanceVerifyingCrc(
      TFRecordFile file, DiskReads disk, PassCounters counters, Blackhole bh, Control control)
      throws IOException {
    boolean measured = PassCounters.measured(control);
    finishPass(file, readWithAdvance(file, VERIFYING), measured, counters, bh);
  }

  @Benchmark
  public void advanceWithoutCrc(
      TFRecordFile file, DiskReads disk, PassCounters counters, Blackhole bh, Control control)
      throws IOException {
    boolean measured = PassCounters.measured(control);
    finishPass(file, readWithAdvance(file, NOT_VERIFYING), measured, counters, bh);
  }

  /** Reads every record through {@code next()}; returns the payload bytes seen. */
  private static long readWithNext(TFRecordFile file, TFRecordReaderOptions options)
      throws IOException {
    long records = 0;
    long payloadBytes = 0;
    try (TFRecordReader reader = TFRecordReader.open(file.path(), options)) {
      ByteBuf record;
      while ((record = reader.next()) != null) {
        payloadBytes += record.readableBytes();
        records++;
      }
    }
    checkPass(file, records, payloadBytes);
    return payloadBytes;
  }

  /** Reads every record through {@code advance()}; returns the payload bytes seen. */
  private static long readWithAdvance(TFRecordFile file, TFRecordReaderOptions options)
      throws IOException {
    long records = 0;
    long payloadBytes = 0;
    try (TFRecordReader reader = TFRecordReader.open(file.path(), options)) {
      while (reader.advance()) {
        payloadBytes += reader.recordLength();
        records++;
      }
    }
    checkPass(file, records, payloadBytes);
    return payloadBytes;
  }

  private static void checkPass(TFRecordFile file, long records, long payloadBytes) {
    if (records != file.records() || payloadBytes != records * file.recordBytes) {
      throw new IllegalStateException(
          "a pass read " + records + " records of " + payloadBytes + " bytes in all, expected "
              + file.records() + " of " + file.recordBytes + " bytes each");
    }
  }

  private static void finishPass(
      TFRecordFile file, long payloadBytes, boolean measured, PassCounters counters, Blackhole bh) {
    bh.consume(payloadBytes);
    counters.add(measured, file.bytes(), file.records());
  }
}
