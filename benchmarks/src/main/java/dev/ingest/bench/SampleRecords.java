package dev.ingest.bench;

import dev.ingest.ExampleSpec;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.TFRecordReader;
import dev.ingest.tfrecord.sample.SampleDatasets;
import dev.ingest.tfrecord.sample.SampleKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The serialized records of one {@code ingest gen} kind, held in memory so that a parse benchmark
 * measures parsing, not reading: once in one direct buffer (what the reader hands the parser) and
 * once as heap arrays (what {@code Example.parseFrom} takes). Written by {@link SampleDatasets}
 * with a fixed seed, so every run parses the same bytes. Read-only, shared by all threads.
 */
@State(Scope.Benchmark)
public class SampleRecords {
  @Param({"image", "tabular", "text"})
  public String kind;

  /** Serialized bytes to hold, about; the smoke test makes it tiny. */
  @Param({"16"})
  public int dataMiB;

  private ByteBuf direct;
  private int[] starts;
  private int[] lengths;
  private byte[][] arrays;
  private long payloadBytes;

  @Setup(Level.Trial)
  public void load() throws IOException {
    SampleKind sampleKind = SampleKind.valueOf(kind.toUpperCase(Locale.ROOT));
    Path directory = Files.createTempDirectory("ingest-parse-bench-");
    try {
      long records =
          Math.max(1, (long) dataMiB * BenchmarkDefaults.MIB / sampleKind.approximateRecordBytes());
      SampleDatasets.write(sampleKind, directory, records, 1, Compression.NONE, 42);
      List<byte[]> read = new ArrayList<>();
      try (TFRecordReader reader =
          TFRecordReader.open(directory.resolve(SampleDatasets.shardName(0, 1)))) {
        for (ByteBuf record = reader.next(); record != null; record = reader.next()) {
          read.add(ByteBufUtil.getBytes(record));
        }
      }
      arrays = read.toArray(byte[][]::new);
    } finally {
      BenchmarkFiles.deleteTree(directory);
    }
    starts = new int[arrays.length];
    lengths = new int[arrays.length];
    for (byte[] record : arrays) {
      payloadBytes += record.length;
    }
    direct = Unpooled.directBuffer((int) payloadBytes);
    for (int i = 0; i < arrays.length; i++) {
      starts[i] = direct.writerIndex();
      lengths[i] = arrays[i].length;
      direct.writeBytes(arrays[i]);
    }
  }

  @TearDown(Level.Trial)
  public void release() {
    direct.release();
  }

  /** The spec a training job would parse this kind with. */
  ExampleSpec spec() {
    return SampleKind.valueOf(kind.toUpperCase(Locale.ROOT)).exampleSpec();
  }

  int records() {
    return arrays.length;
  }

  long payloadBytes() {
    return payloadBytes;
  }

  ByteBuf direct() {
    return direct;
  }

  int start(int record) {
    return starts[record];
  }

  int length(int record) {
    return lengths[record];
  }

  byte[] array(int record) {
    return arrays[record];
  }
}
