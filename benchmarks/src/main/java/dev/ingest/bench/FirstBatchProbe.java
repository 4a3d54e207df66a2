package dev.ingest.bench;

import dev.ingest.BatchIterator;
import dev.ingest.Dataset;
import dev.ingest.PipelineOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How long a pipeline takes from {@code iterator()} to its first batch, in a fresh JVM and again
 * in the same JVM: PERFORMANCE.md's "first batch within 100 ms of {@code iterator()}". The
 * pipeline is {@code examples/quickstart.yaml}'s (interleave 4x16, parse, shuffle, batch 256,
 * prefetch 8) over {@link SampleShards}' shards of one kind. Each round times {@code iterator()}
 * and the first {@code next()}, then takes the rest of the epoch, so later rounds show a warm JVM.
 *
 * <pre>
 *   INGEST_BENCH_DATA=DIR java -cp 'benchmarks.jar:lib/*' \
 *       dev.ingest.bench.FirstBatchProbe KIND [ROUNDS [SHUFFLE_BUFFER]]
 * </pre>
 *
 * Defaults: 3 rounds, a shuffle buffer of 2000 (0: no shuffle). The shards must be in {@code
 * DIR} already: writing them in this JVM would warm it. The first round is one cold start, so
 * run the probe several times and compare the spread, never one figure.
 */
public final class FirstBatchProbe {
  private FirstBatchProbe() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: FirstBatchProbe KIND [ROUNDS [SHUFFLE_BUFFER]]");
      System.exit(2);
    }
    SampleShards data = new SampleShards();
    data.kind = args[0];
    data.dataMiB = 32;
    data.compression = "none";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int shuffle = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
    String kept = System.getenv(SampleShards.DATA_DIRECTORY_VARIABLE);
    if (kept == null || !Files.isDirectory(Path.of(kept, data.kind + "-32MiB"))) {
      System.err.println("FirstBatchProbe: set " + SampleShards.DATA_DIRECTORY_VARIABLE
          + " to a folder holding " + data.kind + "-32MiB (a JMH run over that kind, or"
          + " PacedIdleProbe, writes it there); writing it here would warm this JVM");
      System.exit(2);
    }
    data.write();
    data.warmPageCache();
    Dataset dataset = Dataset.tfrecord(data.folder())
        .interleave(4, 16)
        .parseExample(data.spec());
    if (shuffle > 0) {
      dataset = dataset.shuffle(shuffle);
    }
    dataset = dataset.batch(256, false)
        .prefetch(8)
        .withOptions(PipelineOptions.defaults().withSeed(42));
    for (int round = 0; round < rounds; round++) {
      long asked = System.nanoTime();
      try (BatchIterator batches = dataset.iterator()) {
        long started = System.nanoTime();
        batches.next().close();
        long first = System.nanoTime();
        System.out.printf(Locale.ROOT,
            "round %d (%s JVM): iterator() %.1f ms, then the first batch %.1f ms: %.1f ms%n",
            round, round == 0 ? "fresh" : "warm", (started - asked) / 1e6, (first - started) / 1e6,
            (first - asked) / 1e6);
        while (batches.hasNext()) {
          batches.next().close();
        }
      }
    }
  }
}
