package dev.ingest.bench;

import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import dev.ingest.Dataset;
import dev.ingest.PipelineOptions;
import dev.ingest.PipelineState;
import dev.ingest.Row;
import dev.ingest.RowMapper;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.sample.SampleDatasets;
import dev.ingest.tfrecord.sample.SampleKind;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * The soak: one pipeline a training job would run, {@code tfrecord → parse_example → map
 * clip_and_scale → cache(files) → shuffle → batch 256 → prefetch 4 → repeat}, over tabular
 * sample shards, taken for a set time in segments: each segment resumes from the state the last
 * one saved (through its bytes, as a job restarted from a checkpoint would), takes a random
 * number of batches (up to two and a half epochs), saves the state and closes the iterator. So
 * the run starts, resumes and closes a pipeline hundreds of times, crosses epochs inside
 * segments, fills the cache of rows in files (the first segments may cut the fill short, and the
 * next one starts it again) and then loads it in every later segment.
 *
 * <p>A sampler thread reads {@link ProcessGauges} once a second; the samples go to a CSV and are
 * judged by {@link SoakCriterion} (flat after warm-up). Every batch is checked: full rows but
 * for an epoch's last, labels in range, features transformed. The exit status is 1 when the
 * criterion fails, with the reasons printed.
 *
 * <pre>
 *   java -cp benchmarks.jar dev.ingest.bench.SoakProbe [minutes=1 | seconds=60] [records=20000]
 *       [shards=4] [segment=0 (random; N: every segment takes N batches)] [seed=42]
 *       [out=samples.csv] [chart=soak.png] [report=soak.md]
 * </pre>
 *
 * Linux only ({@code /proc/self}). Run it in a JVM of its own with a fixed heap (see {@code
 * scripts/soak.sh}): what it measures is the whole process.
 */
public final class SoakProbe {
  static final int BATCH_ROWS = 256;
  static final int PREFETCH = 4;
  static final int SHUFFLE_BUFFER = 1024;
  /**
   * The JVM the soak runs in ({@code scripts/soak.sh} and its test): a fixed, pre-touched heap, so
   * that the resident set does not grow as the heap is first used and a native leak shows; the
   * leak detector off, as in production.
   */
  static final List<String> JVM_FLAGS = List.of("-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch",
      "-XX:MaxDirectMemorySize=512m", "-Dio.netty.leakDetection.level=disabled",
      // Arrow's memory module, which writes and reads the cache of rows' file, needs it.
      "--add-opens=java.base/java.nio=ALL-UNNAMED");

  private SoakProbe() {}

  /** What to run. */
  record Setup(double seconds, long records, int shards, int segment, long seed) {
    static Setup of(Map<String, String> options) {
      double seconds = options.containsKey("seconds")
          ? Double.parseDouble(options.get("seconds"))
          : 60 * Double.parseDouble(options.getOrDefault("minutes", "1"));
      return new Setup(seconds,
          Long.parseLong(options.getOrDefault("records", "20000")),
          Integer.parseInt(options.getOrDefault("shards", "4")),
          Integer.parseInt(options.getOrDefault("segment", "0")),
          Long.parseLong(options.getOrDefault("seed", "42")));
    }

    long batchesPerEpoch() {
      return (records + BATCH_ROWS - 1) / BATCH_ROWS;
    }
  }

  /** What a soak saw: its samples, batches and resumes, and the criterion's verdict. */
  record Result(Setup setup, List<SoakSample> samples, long batches, long resumes,
      SoakCriterion.Verdict verdict) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = ProbeArguments.of(args);
    Setup setup = Setup.of(options);
    Result result = run(setup);
    String report = render(result);
    System.out.print(report);
    if (options.containsKey("out")) {
      SoakSample.writeCsv(Path.of(options.get("out")), result.samples());
    }
    if (options.containsKey("report")) {
      Files.writeString(Path.of(options.get("report")), report, StandardCharsets.UTF_8);
    }
    if (options.containsKey("chart")) {
      SoakChart.write(Path.of(options.get("chart")), result.samples(), SoakCriterion.Bounds.DEFAULT,
          title(setup));
    }
    System.exit(result.verdict().passed() ? 0 : 1);
  }

  /** Writes the data to a temporary folder, soaks, samples, judges; deletes the folder. */
  static Result run(Setup setup) throws IOException {
    Path directory = Files.createTempDirectory("ingest-soak-");
    try {
      Path data = directory.resolve("data");
      SampleDatasets.write(SampleKind.TABULAR, data, setup.records(), setup.shards(),
          Compression.NONE, setup.seed());
      Dataset dataset = pipeline(data.resolve("*.tfrecord").toString(),
          directory.resolve("cache").resolve("rows").toString(), setup.seed());
      return soak(dataset, setup);
    } finally {
      BenchmarkFiles.deleteTree(directory);
    }
  }

  static Dataset pipeline(String shards, String cachePrefix, long seed) {
    return Dataset.tfrecord(shards)
        .parseExample(SampleKind.TABULAR.exampleSpec())
        .map(ClipAndScale.NAME, new ClipAndScale(), ClipAndScale.VERSION)
        .cache(cachePrefix)
        .shuffle(SHUFFLE_BUFFER)
        .batch(BATCH_ROWS, false)
        .prefetch(PREFETCH)
        .repeat(-1)
        .withOptions(PipelineOptions.defaults().withSeed(seed));
  }

  private static Result soak(Dataset dataset, Setup setup) {
    AtomicLong batches = new AtomicLong();
    AtomicLong resumes = new AtomicLong();
    List<SoakSample> samples = Collections.synchronizedList(new ArrayList<>());
    ProcessGauges gauges = new ProcessGauges();
    long start = System.nanoTime();
    long deadline = start + (long) (setup.seconds() * 1e9);
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "soak-sampler");
      thread.setDaemon(true);
      return thread;
    });
    AtomicReference<RuntimeException> samplerFailure = new AtomicReference<>();
    sampler.scheduleAtFixedRate(() -> {
      try {
        samples.add(SoakSample.of((System.nanoTime() - start) / 1e9, gauges.read(),
            batches.get(), resumes.get()));
      } catch (RuntimeException e) {
        // A periodic task that throws is never run again: keep the cause for the report.
        samplerFailure.compareAndSet(null, e);
        throw e;
      }
    }, 1, 1, TimeUnit.SECONDS);
    try {
      Random segments = new Random(setup.seed());
      long longestSegment = Math.max(1, setup.batchesPerEpoch() * 5 / 2);
      PipelineState state = null;
      while (System.nanoTime() < deadline) {
        long take = setup.segment() > 0 ? setup.segment()
            : 1 + (long) (segments.nextDouble() * longestSegment);
        try (BatchIterator iterator = state == null ? dataset.iterator()
            : dataset.iterator(state)) {
          for (long taken = 0; taken < take && System.nanoTime() < deadline; taken++) {
            try (Batch batch = iterator.next()) {
              check(batch);
            }
            batches.incrementAndGet();
          }
          state = PipelineState.fromBytes(iterator.state().toBytes());
        }
        resumes.incrementAndGet();
      }
    } finally {
      sampler.shutdown();
      awaitSampler(sampler);
    }
    if (samplerFailure.get() != null) {
      throw new IllegalStateException("the sampler failed", samplerFailure.get());
    }
    List<SoakSample> taken = List.copyOf(samples);
    return new Result(setup, taken, batches.get(), resumes.get(),
        SoakCriterion.judge(taken, SoakCriterion.Bounds.DEFAULT));
  }

  private static void awaitSampler(ScheduledExecutorService sampler) {
    try {
      if (!sampler.awaitTermination(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the sampler did not stop");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping the sampler", e);
    }
  }

  /** A batch as the pipeline must give it: rows, labels of the task, features in [0, 1]. */
  private static void check(Batch batch) {
    int rows = batch.rows();
    if (rows < 1 || rows > BATCH_ROWS) {
      throw new IllegalStateException("a batch of " + rows + " rows");
    }
    LongBuffer labels = batch.longs("label");
    FloatBuffer features = batch.floats("features");
    for (int row = 0; row < rows; row++) {
      long label = labels.get(row);
      float first = features.get(row * SampleKind.TABULAR_FEATURES);
      if (label < 0 || label >= SampleKind.CLASSES || !(first >= 0f && first <= 1f)) {
        throw new IllegalStateException("row " + row + " has label " + label + " and feature "
            + first + ": not what the pipeline makes");
      }
    }
  }

  static String title(Setup setup) {
    return String.format(Locale.ROOT, "Soak, %s: map → cache(files) → shuffle → batch →"
        + " prefetch, resumed over and over", setup.seconds() >= 120
            ? String.format(Locale.ROOT, "%.0f min", setup.seconds() / 60)
            : String.format(Locale.ROOT, "%.0f s", setup.seconds()));
  }

  /** The run's figures, the start and end windows' medians of every gauge, and the verdict. */
  static String render(Result result) {
    Setup setup = result.setup();
    SoakCriterion.Windows windows =
        SoakCriterion.Windows.of(result.samples(), SoakCriterion.Bounds.DEFAULT);
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "# Soak%n%n%s%n%n", title(setup)));
    out.append(String.format(Locale.ROOT, "- %,d tabular records in %d shards, batch %d (%d"
        + " batches an epoch), shuffle %d after the row cache, prefetch %d%n", setup.records(),
        setup.shards(), BATCH_ROWS, setup.batchesPerEpoch(), SHUFFLE_BUFFER, PREFETCH));
    out.append(String.format(Locale.ROOT, "- %.0f s, %d samples, %,d batches (%,.0f records/s),"
        + " %,d resumes (a close and a resume each)%n%n", setup.seconds(),
        result.samples().size(), result.batches(),
        result.batches() * (double) BATCH_ROWS / setup.seconds(), result.resumes()));
    if (!windows.start().isEmpty()) {
      out.append(String.format(Locale.ROOT, "| gauge | start window median (s %.0f-%.0f) |"
          + " end window median (s %.0f-%.0f) |%n|---|---|---|%n",
          windows.start().get(0).seconds(), last(windows.start()).seconds(),
          windows.end().get(0).seconds(), last(windows.end()).seconds()));
      row(out, "heap in use, MiB", windows, SoakSample::heapMiB);
      row(out, "heap after GC, MiB", windows, SoakSample::heapAfterGcMiB);
      row(out, "direct (Netty pooled + JDK), MiB", windows, SoakSample::directMiB);
      row(out, "RSS, MiB", windows, SoakSample::rssMiB);
      row(out, "threads", windows, SoakSample::threads);
      row(out, "file descriptors", windows, SoakSample::fds);
      out.append('\n');
    }
    out.append("```\n").append(result.verdict().describe()).append("```\n");
    return out.toString();
  }

  private static void row(StringBuilder out, String gauge, SoakCriterion.Windows windows,
      ToDoubleFunction<SoakSample> value) {
    out.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f |%n", gauge,
        SoakCriterion.median(windows.start(), value), SoakCriterion.median(windows.end(), value)));
  }

  private static SoakSample last(List<SoakSample> samples) {
    return samples.get(samples.size() - 1);
  }

  /**
   * Clips each feature to three standard deviations and scales it to [0, 1]: a preprocessing
   * step a tabular job caches. Versioned, as a transform before a cache in files must be.
   */
  static final class ClipAndScale implements RowMapper {
    static final String NAME = "clip_and_scale";
    static final String VERSION = "1";
    private static final float LIMIT = 3f;

    @Override
    public void apply(Row row) {
      for (int i = 0; i < row.length("features"); i++) {
        float clipped = Math.max(-LIMIT, Math.min(LIMIT, row.getFloat("features", i)));
        row.setFloat("features", i, (clipped + LIMIT) / (2 * LIMIT));
      }
    }
  }
}
