package dev.ingest.bench;

import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import dev.ingest.Dataset;
import dev.ingest.PipelineOptions;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.Control;

/**
 * End to end on page-cache data: read, check CRCs, parse, batch 256, prefetch, as a trainer
 * receives it. ingest's pipeline at 1 parse thread and at all cores, against a naive
 * single-threaded Java loader (buffered stream, CRC32C, {@code Example.parseFrom}, values copied
 * into arrays). One operation is one pass over all the shards; records/s and bytes/s come from the
 * counters. No shuffle, so both do the same work. ingest's pipeline runs continuously (repeat
 * forever) and a pass takes one epoch's worth of batches from it, so a pass ends on a batch
 * boundary that drifts across epochs: every pass still handles the same number of records.
 */
public class PipelineBenchmark extends BenchmarkDefaults {
  static final int BATCH_ROWS = 256;

  /**
   * A running pipeline over the shards, repeated forever, so that each pass measures steady
   * state, as a training job sees it after its first batch: starting threads and filling the
   * pools is paid once per iteration, outside the measured passes.
   */
  @State(Scope.Thread)
  public static class RunningPipeline {
    /** Parse threads: 1, or 0 for one per core. */
    @Param({"1", "0"})
    public int threads;

    BatchIterator batches;

    @Setup(Level.Iteration)
    public void start(SampleShards data) {
      batches = Dataset.tfrecord(data.folder())
          .shuffleFiles(false)
          .interleave(4, 16)
          .parseExample(data.spec())
          .batch(BATCH_ROWS, false)
          .prefetch(8)
          .repeat(-1)
          .withOptions(PipelineOptions.defaults().withThreads(threads))
          .iterator();
    }

    @TearDown(Level.Iteration)
    public void stop() {
      batches.close();
    }
  }

  /** One pass: an epoch's worth of batches from the running pipeline. */
  @Benchmark
  public void ingest(SampleShards data, RunningPipeline pipeline, PassCounters counters,
      Blackhole bh, Control control) {
    boolean measured = PassCounters.measured(control);
    long rows = 0;
    while (rows < data.records()) {
      try (Batch batch = pipeline.batches.next()) {
        rows += batch.rows();
        bh.consume(batch.column("label").longs().get(0));
      }
    }
    check(data, rows);
    counters.add(measured, data.bytes(), rows);
  }

  @Benchmark
  public void naiveJava(SampleShards data, PassCounters counters, Blackhole bh, Control control)
      throws Exception {
    boolean measured = PassCounters.measured(control);
    CRC32C crc = new CRC32C();
    byte[][] batch = new byte[BATCH_ROWS][];
    int filled = 0;
    long rows = 0;
    for (Path file : data.files()) {
      try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 256 * 1024)) {
        DataInputStream stream = new DataInputStream(in);
        byte[] header = new byte[12];
        while (readHeader(stream, header)) {
          long length = littleEndianLong(header);
          checkCrc(crc, header, 0, 8, littleEndianInt(header, 8), file);
          byte[] record = new byte[(int) length];
          stream.readFully(record);
          byte[] footer = new byte[4];
          stream.readFully(footer);
          checkCrc(crc, record, 0, record.length, littleEndianInt(footer, 0), file);
          batch[filled++] = record;
          if (filled == BATCH_ROWS) {
            byte[][] full = batch;
            bh.consume(NaiveLoader.batch(data.kind, 0, filled, i -> full[i]));
            rows += filled;
            filled = 0;
          }
        }
      }
    }
    if (filled > 0) {
      byte[][] last = batch;
      bh.consume(NaiveLoader.batch(data.kind, 0, filled, i -> last[i]));
      rows += filled;
    }
    check(data, rows);
    counters.add(measured, data.bytes(), rows);
  }

  private static boolean readHeader(DataInputStream stream, byte[] header) throws IOException {
    int first = stream.read();
    if (first < 0) {
      return false;
    }
    header[0] = (byte) first;
    try {
      stream.readFully(header, 1, header.length - 1);
    } catch (EOFException e) {
      throw new IOException("truncated header", e);
    }
    return true;
  }

  private static void checkCrc(CRC32C crc, byte[] bytes, int offset, int length, int expected,
      Path file) throws IOException {
    crc.reset();
    crc.update(bytes, offset, length);
    int value = (int) crc.getValue();
    int masked = ((value >>> 15) | (value << 17)) + 0xa282ead8;
    if (masked != expected) {
      throw new IOException("CRC mismatch in " + file);
    }
  }

  private static long littleEndianLong(byte[] bytes) {
    long value = 0;
    for (int i = 7; i >= 0; i--) {
      value = (value << 8) | (bytes[i] & 0xFF);
    }
    return value;
  }

  private static int littleEndianInt(byte[] bytes, int offset) {
    return (bytes[offset] & 0xFF) | (bytes[offset + 1] & 0xFF) << 8
        | (bytes[offset + 2] & 0xFF) << 16 | (bytes[offset + 3] & 0xFF) << 24;
  }

  private static void check(SampleShards data, long rows) {
    if (rows != data.records()) {
      throw new IllegalStateException("a pass saw " + rows + " records, expected " + data.records());
    }
  }
}
