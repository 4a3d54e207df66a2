package dev.ingest.bench;

import com.adobe.testing.s3mock.S3MockApplication;
import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import dev.ingest.Dataset;
import dev.ingest.PipelineOptions;
import dev.ingest.PipelineState;
import dev.ingest.StorageOptions;
import dev.ingest.s3.testing.FaultProxy;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.StoragePaths;
import dev.ingest.tfrecord.index.RecordIndex;
import dev.ingest.tfrecord.sample.SampleDatasets;
import dev.ingest.tfrecord.sample.SampleKind;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;

/**
 * What the global shuffle costs against reading the same shards in order, and how fast its
 * state resumes: issue 23's evidence. In one JVM:
 *
 * <ol>
 *   <li><b>local disk</b>: {@code tfrecord(8 indexed shards) → parse_example → batch 256} with
 *       default threads, read (a) sequentially (no shuffle, the default interleave), (b) with
 *       {@code shuffleGlobal()} and (c) with {@code shuffleGlobal(window)}, for the {@code image}
 *       and {@code tabular} kinds of {@code ingest gen}. Each run is a fresh iterator over {@code
 *       repeat(1 + timed_epochs)}; the figure is its epochs after the first, timed together
 *       (files page-cached, the record indexes loaded, the threads running); the first epoch,
 *       timed from asking for the iterator, is shown too. One untimed warm-up round, then
 *       {@code rounds} rounds, each running the three variants once, the variant that starts a
 *       round rotating so that none always runs first;
 *   <li><b>object storage</b>: the same three variants on {@code s3://} paths, served by an
 *       S3Mock server in this JVM through a {@link FaultProxy} adding {@code latency} ms to every
 *       request and capping each body at {@code per_request} MB/s (ObjectStoreProbe's settings
 *       for a store that serves one request at a bounded rate), the image kind, with GETs,
 *       ranged GETs and body bytes per epoch as the proxy counts them;
 *   <li><b>resume</b>: {@code positions} random (epoch, batch) positions of a global-shuffle
 *       pipeline ({@code repeat(epochs)}) over the local image shards: one pass keeps {@code
 *       iterator.state().toBytes()} at each, then, in a warm JVM, each is timed from {@code
 *       dataset.iterator(PipelineState.fromBytes(bytes))} to the first batch {@code next()}
 *       returns, and that batch is checked against the one the uninterrupted pass gave there. The
 *       same for a buffer shuffle ({@code shuffle(10,000)}) at the same positions.
 * </ol>
 *
 * <pre>
 *   java -cp 'benchmarks.jar:lib/*' dev.ingest.bench.GlobalShuffleProbe [image=40000] \
 *       [tabular=400000] [s3_image=8000] [shards=8] [rounds=5] [window=10000] [s3_window=2000] \
 *       [latency=20] [per_request=20] [positions=20] [epochs=3] [buffer=10000] \
 *       [timed_epochs=4] [parts=local,s3,resume] [out=FILE.md]
 * </pre>
 *
 * A probe (median and range of a handful of runs), not a JMH benchmark: one operation is a whole
 * epoch, and the question is a ratio between orders.
 */
public final class GlobalShuffleProbe {
  static final int BATCH_ROWS = 256;
  static final String BUCKET = "ingest-global-shuffle";
  private static final long SEED = 42;
  /** Resumes done before the timed ones: class loading and JIT of the resume path. */
  private static final int RESUME_WARM_UPS = 3;

  private GlobalShuffleProbe() {}

  /** How an epoch's records are ordered. */
  enum Order {
    SEQUENTIAL, GLOBAL, WINDOWED
  }

  /** What the probe was asked to do. */
  record Setup(long image, long tabular, long s3Image, int shards, int rounds, long window,
      long s3Window, long latencyMillis, long perRequestMBps, int positions, int epochs,
      int buffer, int timedEpochs, List<String> parts) {
    static Setup of(Map<String, String> options) {
      return new Setup(
          Long.parseLong(options.getOrDefault("image", "40000")),
          Long.parseLong(options.getOrDefault("tabular", "400000")),
          Long.parseLong(options.getOrDefault("s3_image", "8000")),
          Integer.parseInt(options.getOrDefault("shards", "8")),
          Integer.parseInt(options.getOrDefault("rounds", "5")),
          Long.parseLong(options.getOrDefault("window", "10000")),
          Long.parseLong(options.getOrDefault("s3_window", "2000")),
          Long.parseLong(options.getOrDefault("latency", "20")),
          Long.parseLong(options.getOrDefault("per_request", "20")),
          Integer.parseInt(options.getOrDefault("positions", "20")),
          Integer.parseInt(options.getOrDefault("epochs", "3")),
          Integer.parseInt(options.getOrDefault("buffer", "10000")),
          Integer.parseInt(options.getOrDefault("timed_epochs", "4")),
          List.of(options.getOrDefault("parts", "local,s3,resume").split(",")));
    }

    long windowFor(boolean remote) {
      return remote ? s3Window : window;
    }
  }

  /**
   * One run of a variant: records/s of the first epoch and of the later ones, the process's
   * cores busy in the later ones, and per epoch (the whole run's counts over its epochs: they
   * include the listing and the index loads) the GETs, ranged GETs and body bytes the proxy saw.
   */
  record Run(double firstPerSecond, double laterPerSecond, double laterCoresBusy,
      double getsPerEpoch, double rangedGetsPerEpoch, double bodyBytesPerEpoch) {}

  /** One data set's runs, by variant in the order of {@link Order}. */
  record Throughput(String name, long records, long bytes, long window, boolean remote,
      Map<Order, List<Run>> runs) {}

  /** One position resumed with both pipelines. */
  record Resume(long epoch, long batchInEpoch, double globalMillis, int globalStateBytes,
      double bufferMillis, int bufferStateBytes, double globalGcMillis, double bufferGcMillis) {}

  /** One timed resume: its milliseconds, and the collectors' milliseconds within them. */
  record Timed(double millis, double gcMillis) {}

  /** Everything measured, for the report. */
  record Results(List<Throughput> throughput, List<Resume> resumes, long resumeRecords,
      long batchesPerEpoch) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = ProbeArguments.of(args);
    Setup setup = Setup.of(options);
    String report = render(measure(setup), setup);
    System.out.print(report);
    if (options.containsKey("out")) {
      Files.writeString(Path.of(options.get("out")), report, StandardCharsets.UTF_8);
    }
    // S3Mock's and the SDK's non-daemon threads would keep the JVM alive.
    System.exit(0);
  }

  /** Writes and indexes the data in a temporary folder, measures the parts asked for. */
  static Results measure(Setup setup) throws Exception {
    Path directory = Files.createTempDirectory("ingest-global-shuffle-probe-");
    try {
      List<Throughput> throughput = new ArrayList<>();
      Path image = null;
      if (setup.parts().contains("local") || setup.parts().contains("resume")) {
        image = writeIndexed(SampleKind.IMAGE, directory.resolve("image"), setup.image(),
            setup.shards());
      }
      if (setup.parts().contains("local")) {
        Path tabular = writeIndexed(SampleKind.TABULAR, directory.resolve("tabular"),
            setup.tabular(), setup.shards());
        throughput.add(throughput("image, local", SampleKind.IMAGE, glob(image), setup.image(),
            folderBytes(image), setup, StorageOptions.defaults(), null));
        throughput.add(throughput("tabular, local", SampleKind.TABULAR, glob(tabular),
            setup.tabular(), folderBytes(tabular), setup, StorageOptions.defaults(), null));
      }
      if (setup.parts().contains("s3")) {
        throughput.add(objectStore(directory, setup));
      }
      List<Resume> resumes = List.of();
      long batchesPerEpoch = (setup.image() + BATCH_ROWS - 1) / BATCH_ROWS;
      if (setup.parts().contains("resume")) {
        resumes = resumes(glob(image), setup, batchesPerEpoch);
      }
      return new Results(throughput, resumes, setup.image(), batchesPerEpoch);
    } finally {
      BenchmarkFiles.deleteTree(directory);
    }
  }

  /** The pipeline the probe times: parse, order as {@code order} says, batch, {@code epochs}. */
  static Dataset pipeline(String location, SampleKind kind, Order order, long window,
      int epochs, long seed, StorageOptions storage) {
    Dataset dataset = Dataset.tfrecord(location).parseExample(kind.exampleSpec());
    dataset = switch (order) {
      case SEQUENTIAL -> dataset;
      case GLOBAL -> dataset.shuffleGlobal();
      case WINDOWED -> dataset.shuffleGlobal(window, true);
    };
    return dataset.batch(BATCH_ROWS, false).repeat(epochs)
        .withOptions(PipelineOptions.defaults().withSeed(seed).withStorage(storage));
  }

  /**
   * A warm-up round, then {@code rounds} rounds of the three variants; with a proxy, each run
   * starts from reset counters at the set latency and cap.
   */
  static Throughput throughput(String name, SampleKind kind, String location, long records,
      long bytes, Setup setup, StorageOptions storage, FaultProxy proxy) {
    boolean remote = proxy != null;
    Map<Order, List<Run>> runs = new EnumMap<>(Order.class);
    for (Order order : Order.values()) {
      runs.put(order, new ArrayList<>());
    }
    Order[] orders = Order.values();
    for (int round = -1; round < setup.rounds(); round++) {
      for (int i = 0; i < orders.length; i++) {
        Order order = orders[Math.floorMod(round + i, orders.length)];
        if (remote) {
          proxy.reset();
          proxy.latencyMillis(setup.latencyMillis());
          proxy.bandwidthPerRequest(setup.perRequestMBps() * 1_000_000L);
        }
        Run run = epochs(pipeline(location, kind, order, setup.windowFor(remote),
            1 + setup.timedEpochs(), SEED + round + 1, storage), records, setup.timedEpochs(),
            proxy);
        if (round >= 0) {
          runs.get(order).add(run);
        }
      }
    }
    return new Throughput(name, records, bytes, setup.windowFor(remote), remote, runs);
  }

  /**
   * Every epoch of a {@code repeat(1 + timedEpochs)} pipeline: the first timed from asking for
   * the iterator, the others together from the end of the first. A later epoch is short (tens of
   * milliseconds for the default sizes), so several are timed as one span.
   */
  static Run epochs(Dataset dataset, long records, int timedEpochs, FaultProxy proxy) {
    try (BatchIterator batches = dataset.iterator()) {
      long start = System.nanoTime();
      RowCacheProbe.takeEpoch(batches, records);
      long firstEnd = System.nanoTime();
      long cpuBefore = processCpuNanos();
      for (int epoch = 0; epoch < timedEpochs; epoch++) {
        RowCacheProbe.takeEpoch(batches, records);
      }
      long end = System.nanoTime();
      double cores = (processCpuNanos() - cpuBefore) / (double) (end - firstEnd);
      if (batches.hasNext()) {
        throw new IllegalStateException("the pipeline has more than " + (1 + timedEpochs)
            + " epochs");
      }
      double epochs = 1 + timedEpochs;
      return new Run(records / ((firstEnd - start) / 1e9),
          timedEpochs * records / ((end - firstEnd) / 1e9), cores,
          proxy == null ? Double.NaN : proxy.gets() / epochs,
          proxy == null ? Double.NaN : proxy.rangedGets() / epochs,
          proxy == null ? Double.NaN : proxy.bodyBytes() / epochs);
    }
  }


  /**
   * The image kind on an S3Mock server behind a {@link FaultProxy}: the shards uploaded, their
   * indexes built from the uploaded objects (an object's identity is its ETag), then the rounds.
   */
  static Throughput objectStore(Path directory, Setup setup) throws Exception {
    System.setProperty("aws.accessKeyId", System.getProperty("aws.accessKeyId", "ingest-bench"));
    System.setProperty("aws.secretAccessKey",
        System.getProperty("aws.secretAccessKey", "ingest-bench-secret"));
    System.setProperty("aws.region", System.getProperty("aws.region", "us-east-1"));
    System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
    Map<String, Object> serverProperties = new HashMap<>();
    serverProperties.put(S3MockApplication.PROP_HTTP_PORT, S3MockApplication.RANDOM_PORT);
    serverProperties.put(S3MockApplication.PROP_HTTPS_PORT, S3MockApplication.RANDOM_PORT);
    serverProperties.put(S3MockApplication.PROP_SILENT, true);
    serverProperties.put(S3MockApplication.PROP_INITIAL_BUCKETS, BUCKET);
    serverProperties.put(S3MockApplication.PROP_ROOT_DIRECTORY,
        directory.resolve("server").toString());
    S3MockApplication server = S3MockApplication.start(serverProperties);
    try (FaultProxy proxy = new FaultProxy(URI.create("http://localhost:" + server.getHttpPort()),
        SEED)) {
      StorageOptions storage = ObjectStoreProbe.storage(proxy.endpoint());
      Path local = directory.resolve("s3-image");
      SampleDatasets.write(SampleKind.IMAGE, local, setup.s3Image(), setup.shards(),
          Compression.NONE, SEED);
      String prefix = "s3://" + BUCKET + "/image/";
      long bytes = ObjectStoreProbe.upload(local, prefix, storage);
      try (Stream<Path> files = Files.list(local)) {
        for (Path file : files.filter(GlobalShuffleProbe::isShard).toList()) {
          Path object = StoragePaths.path(prefix + file.getFileName(), storage);
          RecordIndex.build(object).writeBeside(object);
        }
      }
      return throughput("image, s3", SampleKind.IMAGE, prefix + "*.tfrecord", setup.s3Image(),
          bytes, setup, storage, proxy);
    } finally {
      server.stop();
    }
  }

  /**
   * Resume latency at {@code setup.positions()} random positions, for the global shuffle and a
   * buffer shuffle over the same shards: one uninterrupted pass of each keeps the state and the
   * next batch's labels at every position, then each position is resumed in a shuffled order,
   * after a few untimed resumes.
   */
  static List<Resume> resumes(String location, Setup setup, long batchesPerEpoch) {
    Random random = new Random(SEED);
    long total = batchesPerEpoch * setup.epochs();
    // Positions are batches delivered; the last batch of the last epoch has nothing after it.
    long[] positions = random.longs(setup.positions() + RESUME_WARM_UPS, 1, total - 1)
        .distinct().sorted().toArray();
    while (positions.length < setup.positions() + RESUME_WARM_UPS) {
      positions = random.longs(setup.positions() + RESUME_WARM_UPS, 1, total - 1).distinct()
          .sorted().toArray();
    }
    Dataset global = Dataset.tfrecord(location).parseExample(SampleKind.IMAGE.exampleSpec())
        .shuffleGlobal().batch(BATCH_ROWS, false).repeat(setup.epochs())
        .withOptions(PipelineOptions.defaults().withSeed(SEED));
    Dataset buffer = Dataset.tfrecord(location).parseExample(SampleKind.IMAGE.exampleSpec())
        .shuffle(setup.buffer()).batch(BATCH_ROWS, false).repeat(setup.epochs())
        .withOptions(PipelineOptions.defaults().withSeed(SEED));
    Map<Long, Saved> globalStates = statesAt(global, positions);
    Map<Long, Saved> bufferStates = statesAt(buffer, positions);
    List<Long> order = new ArrayList<>(Arrays.stream(positions).boxed().toList());
    Collections.shuffle(order, random);
    for (long position : order.subList(0, RESUME_WARM_UPS)) {
      resumeMillis(global, globalStates.get(position));
      resumeMillis(buffer, bufferStates.get(position));
    }
    List<Resume> resumes = new ArrayList<>();
    for (long position : order.subList(RESUME_WARM_UPS, order.size())) {
      Saved atGlobal = globalStates.get(position);
      Saved atBuffer = bufferStates.get(position);
      // Alternate which pipeline resumes first, so that neither always follows the other.
      Timed globalMillis;
      Timed bufferMillis;
      if (resumes.size() % 2 == 0) {
        globalMillis = resumeMillis(global, atGlobal);
        bufferMillis = resumeMillis(buffer, atBuffer);
      } else {
        bufferMillis = resumeMillis(buffer, atBuffer);
        globalMillis = resumeMillis(global, atGlobal);
      }
      resumes.add(new Resume(position / batchesPerEpoch, position % batchesPerEpoch,
          globalMillis.millis(), atGlobal.state().length, bufferMillis.millis(),
          atBuffer.state().length, globalMillis.gcMillis(), bufferMillis.gcMillis()));
    }
    resumes.sort(Comparator.comparingLong(
        (Resume r) -> r.epoch() * batchesPerEpoch + r.batchInEpoch()));
    return resumes;
  }

  /** A state, and the labels of the batch that follows it in the uninterrupted pass. */
  record Saved(byte[] state, long[] nextLabels) {}

  /** One pass of {@code dataset}, keeping the state after each of {@code positions} batches. */
  static Map<Long, Saved> statesAt(Dataset dataset, long[] positions) {
    Map<Long, Saved> saved = new HashMap<>();
    try (BatchIterator batches = dataset.iterator()) {
      long delivered = 0;
      byte[] pending = null;
      for (long position : positions) {
        while (delivered < position) {
          try (Batch batch = batches.next()) {
            if (pending != null) {
              saved.put(delivered, new Saved(pending, labels(batch)));
              pending = null;
            }
            delivered++;
          }
        }
        pending = batches.state().toBytes();
      }
      try (Batch batch = batches.next()) {
        saved.put(delivered, new Saved(pending, labels(batch)));
      }
    }
    return saved;
  }

  /**
   * Milliseconds from asking for an iterator at {@code saved}'s state to the first batch; checks
   * that it is the batch the uninterrupted pass gave there.
   */
  static Timed resumeMillis(Dataset dataset, Saved saved) {
    long gcBefore = gcMillis();
    long start = System.nanoTime();
    BatchIterator batches = dataset.iterator(PipelineState.fromBytes(saved.state()));
    try (batches; Batch first = batches.next()) {
      double millis = (System.nanoTime() - start) / 1e6;
      if (!Arrays.equals(labels(first), saved.nextLabels())) {
        throw new IllegalStateException("a resumed pipeline's first batch is not the batch the"
            + " uninterrupted pass gave at that position");
      }
      return new Timed(millis, gcMillis() - gcBefore);
    }
  }

  /** Milliseconds every collector has spent so far (pauses of the young collector, mostly). */
  private static long gcMillis() {
    long millis = 0;
    for (var collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      millis += Math.max(0, collector.getCollectionTime());
    }
    return millis;
  }

  private static long[] labels(Batch batch) {
    long[] labels = new long[batch.rows()];
    for (int row = 0; row < labels.length; row++) {
      labels[row] = batch.longs("label").get(row);
    }
    return labels;
  }

  /** Writes {@code records} of {@code kind} in {@code shards} plain shards, each indexed. */
  static Path writeIndexed(SampleKind kind, Path folder, long records, int shards)
      throws IOException {
    SampleDatasets.Result written = SampleDatasets.write(kind, folder, records, shards,
        Compression.NONE, SEED);
    for (SampleDatasets.Shard shard : written.shards()) {
      RecordIndex.build(shard.path()).writeBeside(shard.path());
    }
    return folder;
  }

  private static boolean isShard(Path path) {
    return path.getFileName().toString().endsWith(".tfrecord");
  }

  private static String glob(Path folder) {
    return folder.resolve("*.tfrecord").toString();
  }

  private static long folderBytes(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      long bytes = 0;
      for (Path file : files.filter(GlobalShuffleProbe::isShard).toList()) {
        bytes += Files.size(file);
      }
      return bytes;
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** The report: a Markdown table per part, medians with their range. */
  static String render(Results results, Setup setup) {
    StringBuilder out = new StringBuilder();
    out.append("# Global shuffle against sequential reading, and resume\n\n");
    if (!results.throughput().isEmpty()) {
      out.append(String.format(Locale.ROOT, "Pipeline: tfrecord(%d indexed shards) →"
          + " parse_example → batch %d, default threads; sequential: no shuffle, default"
          + " interleave; global: shuffleGlobal(); windowed: shuffleGlobal(window). Each run is a"
          + " fresh iterator over repeat(%d); records/s of its epochs after the first, timed"
          + " together (files page-cached, indexes loaded), and of the first epoch (timed from"
          + " asking for the iterator: index loading and start-up included). Median (min-max)"
          + " of %d rounds after a warm-up round, the variants interleaved round by round, the"
          + " first of a round rotating.%n%n", setup.shards(), BATCH_ROWS,
          1 + setup.timedEpochs(), setup.rounds()));
      out.append("| data | records | MB | variant | later epochs rec/s | epoch 1 rec/s |"
          + " cores busy (later epochs) | GETs / ranged GETs per epoch | MB read per epoch |\n");
      out.append("|---|---|---|---|---|---|---|---|---|\n");
      for (Throughput each : results.throughput()) {
        for (Map.Entry<Order, List<Run>> entry : each.runs().entrySet()) {
          List<Run> runs = entry.getValue();
          out.append(String.format(Locale.ROOT, "| %s | %,d | %.1f | %s | %s | %s | %s | %s | %s |%n",
              each.name(), each.records(), each.bytes() / 1e6, variant(entry.getKey(), each),
              spread(runs.stream().map(Run::laterPerSecond).toList(), "%,.0f"),
              spread(runs.stream().map(Run::firstPerSecond).toList(), "%,.0f"),
              spread(runs.stream().map(Run::laterCoresBusy).toList(), "%.2f"),
              each.remote() ? String.format(Locale.ROOT, "%.0f / %.0f",
                  median(runs.stream().map(Run::getsPerEpoch).toList()),
                  median(runs.stream().map(Run::rangedGetsPerEpoch).toList())) : "",
              each.remote() ? String.format(Locale.ROOT, "%.1f",
                  median(runs.stream().map(Run::bodyBytesPerEpoch).toList()) / 1e6) : ""));
        }
      }
      out.append("\n| data | global / sequential (target ≥ 0.70) | windowed / sequential |\n");
      out.append("|---|---|---|\n");
      for (Throughput each : results.throughput()) {
        out.append(String.format(Locale.ROOT, "| %s | %s | %s |%n", each.name(),
            ratio(each, Order.GLOBAL), ratio(each, Order.WINDOWED)));
      }
      out.append(String.format(Locale.ROOT, "%nRatios per round (the variants of one round"
          + " paired), later epochs. Object storage: an S3Mock server and a fault proxy in this JVM,"
          + " %d ms added to every request, each body capped at %d MB/s; GETs include the"
          + " listing and the index loads (a run's counts over its epochs). Cores busy: the"
          + " process's CPU time over the later epochs' time (of %d).%n%n", setup.latencyMillis(),
          setup.perRequestMBps(), Runtime.getRuntime().availableProcessors()));
    }
    if (!results.resumes().isEmpty()) {
      out.append(String.format(Locale.ROOT, "## Resume: iterator(state) to the first batch%n%n"
          + "Image, %,d records in %d indexed local shards, batch %d (%d batches an epoch),"
          + " repeat(%d), %d random positions (epoch, batch), each resumed once in a warm JVM"
          + " after %d untimed resumes; the first batch checked against the uninterrupted"
          + " pass.%n%n", results.resumeRecords(), setup.shards(), BATCH_ROWS,
          results.batchesPerEpoch(), setup.epochs(), results.resumes().size(), RESUME_WARM_UPS));
      List<Resume> resumes = results.resumes();
      int half = resumes.size() / 2;
      out.append("| pipeline | median ms | p90 ms | max ms | earlier half, median ms |"
          + " later half, median ms | state bytes (min-max) |\n|---|---|---|---|---|---|---|\n");
      out.append(resumeRow("global shuffle (target < 50 ms)", resumes, half,
          Resume::globalMillis, Resume::globalStateBytes));
      out.append(resumeRow("shuffle(" + String.format(Locale.ROOT, "%,d", setup.buffer()) + ")",
          resumes, half, Resume::bufferMillis, Resume::bufferStateBytes));
      out.append("\n| epoch | batch | global ms (GC ms in it) | global state bytes |"
          + " buffer ms (GC ms in it) | buffer state bytes |\n|---|---|---|---|---|---|\n");
      for (Resume resume : resumes) {
        out.append(String.format(Locale.ROOT, "| %d | %d | %.1f (%.0f) | %d | %.1f (%.0f) | %d |%n",
            resume.epoch(), resume.batchInEpoch(), resume.globalMillis(),
            resume.globalGcMillis(), resume.globalStateBytes(), resume.bufferMillis(),
            resume.bufferGcMillis(), resume.bufferStateBytes()));
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static String resumeRow(String name, List<Resume> resumes, int half,
      ToDoubleFunction<Resume> millis,
      ToIntFunction<Resume> bytes) {
    List<Double> all = resumes.stream().map(millis::applyAsDouble).toList();
    double[] sorted = all.stream().mapToDouble(v -> v).sorted().toArray();
    double p90 = sorted[(int) Math.ceil(0.9 * sorted.length) - 1];
    return String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f | %.1f | %d-%d |%n", name,
        median(all), p90, sorted[sorted.length - 1], median(all.subList(0, half)),
        median(all.subList(half, all.size())),
        resumes.stream().mapToInt(bytes).min().orElse(0),
        resumes.stream().mapToInt(bytes).max().orElse(0));
  }

  private static String variant(Order order, Throughput each) {
    return switch (order) {
      case SEQUENTIAL -> "sequential";
      case GLOBAL -> "global";
      case WINDOWED -> String.format(Locale.ROOT, "windowed %,d", each.window());
    };
  }

  private static String ratio(Throughput each, Order order) {
    List<Run> top = each.runs().get(order);
    List<Run> bottom = each.runs().get(Order.SEQUENTIAL);
    List<Double> ratios = new ArrayList<>();
    for (int run = 0; run < top.size(); run++) {
      ratios.add(top.get(run).laterPerSecond() / bottom.get(run).laterPerSecond());
    }
    return spread(ratios, "%.2f");
  }

  private static double median(List<Double> values) {
    return Spread.of(values).median();
  }

  /** "median (min-max)" of {@code values}, each as {@code pattern} formats it. */
  private static String spread(List<Double> values, String pattern) {
    Spread spread = Spread.of(values);
    return String.format(Locale.ROOT, pattern + " (" + pattern + "-" + pattern + ")",
        spread.median(), spread.min(), spread.max());
  }
}
