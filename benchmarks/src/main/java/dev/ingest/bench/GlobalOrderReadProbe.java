package dev.ingest.bench;

import dev.ingest.runtime.read.CoalescedReads;
import dev.ingest.runtime.read.CoalescedRecords;
import dev.ingest.runtime.read.IndexedShards;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.TFRecordReader;
import dev.ingest.tfrecord.TFRecordReaderOptions;
import dev.ingest.tfrecord.TFRecordWriter;
import dev.ingest.tfrecord.index.RecordIndex;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * What reading in a random global order costs against reading the same shards in file order,
 * the reader alone (no parsing, no pipeline): records/s of {@code TFRecordReader} over every file
 * in turn, against {@code CoalescedRecords} over a random permutation of every record, with the
 * local-disk settings and with no reader thread. Writes the shards into DATA_DIR the first time
 * (RECORDS records of about RECORD_BYTES bytes in 8 shards, indexed beside them), reads them once
 * to have them page-cached, then times REPS rounds, the cases interleaved within each round, and
 * prints each case's median and range.
 *
 * <pre>
 *   java -cp benchmarks.jar dev.ingest.bench.GlobalOrderReadProbe DATA_DIR [RECORDS [RECORD_BYTES [REPS]]]
 * </pre>
 */
public final class GlobalOrderReadProbe {
  private static final int SHARDS = 8;

  private GlobalOrderReadProbe() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    int records = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
    int recordBytes = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
    int reps = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    List<Path> files = writeOnce(dir, records, recordBytes);
    List<RecordIndex> indexes = new ArrayList<>();
    for (Path file : files) {
      indexes.add(RecordIndex.loadBeside(file));
    }
    IndexedShards shards = IndexedShards.of(files, indexes);
    long[] order = permutation(shards.records(), 42);
    CoalescedReads local = CoalescedReads.forLocal();
    CoalescedReads callerThread = new CoalescedReads(local.chunkRecords(), local.chunkBytes(),
        local.maxGapBytes(), local.maxSpanBytes(), local.depth(), 0);
    Map<String, List<Double>> rates = new LinkedHashMap<>();
    rates.put("sequential TFRecordReader", new ArrayList<>());
    rates.put("global order, forLocal() (" + local.readerThreads() + " threads)",
        new ArrayList<>());
    rates.put("global order, caller thread only", new ArrayList<>());
    sequential(files); // page the files in
    for (int rep = 0; rep <= reps; rep++) {
      double sequential = sequential(files);
      double coalesced = global(shards, order, local);
      double inline = global(shards, order, callerThread);
      if (rep == 0) {
        continue; // warm-up round: JIT
      }
      List<List<Double>> lists = new ArrayList<>(rates.values());
      lists.get(0).add(sequential);
      lists.get(1).add(coalesced);
      lists.get(2).add(inline);
    }
    double base = median(rates.values().iterator().next());
    rates.forEach((name, values) -> System.out.printf(Locale.ROOT,
        "%-40s median %,12.0f records/s (range %,.0f..%,.0f), %.0f%% of sequential%n", name,
        median(values), values.stream().mapToDouble(v -> v).min().orElse(0),
        values.stream().mapToDouble(v -> v).max().orElse(0), 100 * median(values) / base));
  }

  private static double sequential(List<Path> files) throws IOException {
    long start = System.nanoTime();
    long read = 0;
    long checksum = 0;
    for (Path file : files) {
      try (TFRecordReader reader = TFRecordReader.open(file)) {
        while (reader.advance()) {
          checksum += reader.buffer().getByte(reader.recordStart());
          read++;
        }
      }
    }
    return rate(read, start, checksum);
  }

  private static double global(IndexedShards shards, long[] order, CoalescedReads settings)
      throws IOException {
    long start = System.nanoTime();
    long read = 0;
    long checksum = 0;
    try (CoalescedRecords reader = new CoalescedRecords(shards, j -> order[(int) j],
        order.length, settings, TFRecordReaderOptions.defaults(),
        PooledByteBufAllocator.DEFAULT, () -> false)) {
      while (reader.advance()) {
        checksum += reader.buffer().getByte(reader.start());
        read++;
      }
    }
    return rate(read, start, checksum);
  }

  private static double rate(long records, long startNanos, long checksum) {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    if (checksum == Long.MIN_VALUE) {
      System.out.print(""); // keeps the bytes read from being optimised away
    }
    return records / seconds;
  }

  private static List<Path> writeOnce(Path dir, int records, int recordBytes)
      throws IOException {
    Files.createDirectories(dir);
    List<Path> files = new ArrayList<>();
    Random random = new Random(7);
    for (int shard = 0; shard < SHARDS; shard++) {
      Path file = dir.resolve(String.format(Locale.ROOT, "part-%05d.tfrecord", shard));
      files.add(file);
      if (Files.exists(RecordIndex.sidecarOf(file))) {
        continue;
      }
      int inShard = records / SHARDS + (shard < records % SHARDS ? 1 : 0);
      try (TFRecordWriter writer = TFRecordWriter.open(file, Compression.NONE)) {
        byte[] record = new byte[recordBytes + recordBytes / 4];
        for (int i = 0; i < inShard; i++) {
          random.nextBytes(record);
          // Sizes vary around recordBytes, as serialized examples do.
          writer.write(record, 0, recordBytes - recordBytes / 4 + random.nextInt(recordBytes / 2 + 1));
        }
      }
      RecordIndex.build(file).writeBeside(file);
    }
    return files;
  }

  private static long[] permutation(long count, long seed) {
    long[] order = new long[(int) count];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Random random = new Random(seed);
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      long swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    return order;
  }

  private static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(v -> v).toArray();
    Arrays.sort(sorted);
    return sorted.length == 0 ? 0 : sorted[sorted.length / 2];
  }
}
