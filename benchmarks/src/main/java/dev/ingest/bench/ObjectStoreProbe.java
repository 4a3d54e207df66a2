package dev.ingest.bench;

import com.adobe.testing.s3mock.S3MockApplication;
import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import dev.ingest.Dataset;
import dev.ingest.PipelineOptions;
import dev.ingest.StorageOptions;
import dev.ingest.s3.testing.FaultProxy;
import dev.ingest.spi.ReadAhead;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.StoragePaths;
import dev.ingest.tfrecord.sample.SampleDatasets;
import dev.ingest.tfrecord.sample.SampleKind;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * What object storage costs a pipeline, and how much of a first byte's latency the read-ahead
 * hides: issue 22's evidence. For the {@code image} and {@code text} kinds of {@code ingest gen},
 * in one JVM, several runs of each case:
 *
 * <ul>
 *   <li><b>local</b>: the pipeline on local files: {@code tfrecord(glob)} with shuffled files, the
 *       interleave at its defaults (cycle 4, block 16, reader threads as auto gives them),
 *       {@code parse_example → batch 256 → prefetch auto};
 *   <li><b>s3 at 0, 20, 50 ms</b>: the same pipeline on {@code s3://} paths, served by an S3Mock
 *       server in this JVM through a {@link FaultProxy} that adds that latency to every request;
 *       read-ahead as configured ({@code auto} by default);
 *   <li><b>naive at 0, 20, 50 ms</b>: {@link NaiveObjectReader}: one whole-object GET per object
 *       in turn through the same proxy, then its records read and parsed on the same thread.
 * </ul>
 *
 * <p>Each case is timed from asking for the iterator (the listing included) to its last batch.
 * Also per case: the GETs and requests the proxy saw, the requests it was serving at once
 * (sampled; over the 4 files the interleave has open, the read-ahead depth reached), and CPU
 * seconds by role (pipeline, consumer, S3 client, proxy, server): the server and the proxy share
 * this machine's cores with the pipeline, which a real store would not.
 *
 * <pre>
 *   java -cp 'benchmarks.jar:lib/*' dev.ingest.bench.ObjectStoreProbe [image=20000] [text=60000] \
 *       [shards=16] [runs=5] [latencies=0,20,50] [kinds=image,text] [block=auto] [depth=auto] \
 *       [bandwidth=0] [per_request=0] [direct=true] [readers=auto] [out=FILE.md]
 * </pre>
 *
 * {@code image} and {@code text} are record counts; {@code block} (bytes) and {@code depth} the
 * read-ahead; {@code bandwidth} a cap in MB/s on every body the proxy sends, all connections
 * together (0: none); {@code per_request} a cap in MB/s on each body alone, as a real store serves
 * each request at a bounded rate and more requests in parallel (0: none); {@code direct} adds the pipeline straight to the server at 0 ms, without
 * the proxy (what the proxy costs); {@code readers} the interleave's reader threads. A probe
 * (median and range of a handful of runs), not a JMH benchmark: one operation is a whole
 * pipeline's life, and the question is a ratio between cases.
 */
public final class ObjectStoreProbe {
  static final int BATCH_ROWS = 256;
  static final String BUCKET = "ingest-bench";
  /**
   * The same objects, read without the proxy. A bucket of their own: the s3 provider keeps one
   * file system per bucket and settings, but a path made for settings whose file system is
   * already open is served by the bucket's latest one, whatever its settings (see
   * StoragePaths.path), so one bucket read two ways would be read one way only.
   */
  static final String DIRECT_BUCKET = "ingest-bench-direct";
  private static final long SEED = 42;
  private static final long SAMPLE_MILLIS = 10;

  private ObjectStoreProbe() {}

  /** Who reads, and from where. */
  enum Reader {
    /** The pipeline on local files. */
    LOCAL,
    /** The pipeline on s3:// paths through the proxy. */
    S3,
    /** The pipeline on s3:// paths, straight to the server: what the proxy itself costs. */
    S3_DIRECT,
    /** {@link NaiveObjectReader} through the proxy. */
    NAIVE
  }

  /** A case: who reads from where, with this latency added per request. */
  record Case(String name, Reader reader, long latencyMillis) {
    boolean throughProxy() {
      return reader == Reader.S3 || reader == Reader.NAIVE;
    }
  }

  /** One run of one case; CPU seconds by role, and the whole process's. */
  record Run(double recordsPerSecond, long gets, long requests, double meanInFlight,
      int maxInFlight, Map<String, Double> cpuSeconds, double processCpuSeconds,
      double seconds) {}

  /** One kind's runs, per case in the order measured. */
  record KindResult(String kind, long records, long bytes, Map<Case, List<Run>> runs) {}

  /** What the report says of the set-up. */
  record Setup(int shards, ReadAhead readAhead, long bandwidthMBps, int runs, boolean direct,
      int readerThreads, long perRequestMBps) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = ProbeArguments.of(args);
    Map<SampleKind, Long> kinds = new LinkedHashMap<>();
    for (String kind : options.getOrDefault("kinds", "image,text").split(",")) {
      SampleKind sampleKind = SampleKind.valueOf(kind.strip().toUpperCase(Locale.ROOT));
      kinds.put(sampleKind, Long.parseLong(options.getOrDefault(kind.strip(),
          sampleKind == SampleKind.IMAGE ? "20000" : "60000")));
    }
    List<Long> latencies = new ArrayList<>();
    for (String latency : options.getOrDefault("latencies", "0,20,50").split(",")) {
      latencies.add(Long.parseLong(latency.strip()));
    }
    ReadAhead readAhead = new ReadAhead(autoOrInt(options.getOrDefault("block", "auto")),
        autoOrInt(options.getOrDefault("depth", "auto")));
    Setup setup = new Setup(Integer.parseInt(options.getOrDefault("shards", "16")), readAhead,
        Long.parseLong(options.getOrDefault("bandwidth", "0")),
        Integer.parseInt(options.getOrDefault("runs", "5")),
        Boolean.parseBoolean(options.getOrDefault("direct", "true")),
        options.getOrDefault("readers", "auto").equals("auto") ? Dataset.AUTO
            : Integer.parseInt(options.get("readers")),
        Long.parseLong(options.getOrDefault("per_request", "0")));

    String report = render(measure(kinds, latencies, setup), latencies, setup);
    System.out.print(report);
    if (options.containsKey("out")) {
      Files.writeString(Path.of(options.get("out")), report, StandardCharsets.UTF_8);
    }
    // S3Mock's and the SDK's non-daemon threads would keep the JVM alive.
    System.exit(0);
  }

  /**
   * Starts the server and the proxy, writes and uploads each kind's shards, then runs every case
   * {@code setup.runs()} times after one warm-up round, the order of the cases reversed every
   * other run.
   */
  static List<KindResult> measure(Map<SampleKind, Long> kinds, List<Long> latencies, Setup setup)
      throws Exception {
    // The SDK's default chain finds these first; the server checks no signature.
    System.setProperty("aws.accessKeyId", System.getProperty("aws.accessKeyId", "ingest-bench"));
    System.setProperty("aws.secretAccessKey",
        System.getProperty("aws.secretAccessKey", "ingest-bench-secret"));
    System.setProperty("aws.region", System.getProperty("aws.region", "us-east-1"));
    // S3Mock is a Spring Boot application whose logging insists on Logback; this JVM logs
    // through slf4j-nop.
    System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
    Path directory = Files.createTempDirectory("ingest-object-store-probe-");
    Map<String, Object> serverProperties = new HashMap<>();
    serverProperties.put(S3MockApplication.PROP_HTTP_PORT, S3MockApplication.RANDOM_PORT);
    serverProperties.put(S3MockApplication.PROP_HTTPS_PORT, S3MockApplication.RANDOM_PORT);
    serverProperties.put(S3MockApplication.PROP_SILENT, true);
    serverProperties.put(S3MockApplication.PROP_INITIAL_BUCKETS, BUCKET + "," + DIRECT_BUCKET);
    serverProperties.put(S3MockApplication.PROP_ROOT_DIRECTORY,
        directory.resolve("server").toString());
    S3MockApplication server = S3MockApplication.start(serverProperties);
    try (FaultProxy proxy = new FaultProxy(URI.create("http://localhost:" + server.getHttpPort()),
            SEED);
        S3AsyncClient naiveClient = client(proxy.endpoint())) {
      StorageOptions direct = storage(URI.create("http://localhost:" + server.getHttpPort()));
      StorageOptions proxied = storage(proxy.endpoint());
      List<Case> cases = new ArrayList<>();
      cases.add(new Case("local", Reader.LOCAL, 0));
      if (setup.direct()) {
        cases.add(new Case("s3 without the proxy", Reader.S3_DIRECT, 0));
      }
      for (long latency : latencies) {
        cases.add(new Case("s3, " + latency + " ms", Reader.S3, latency));
      }
      for (long latency : latencies) {
        cases.add(new Case("naive, " + latency + " ms", Reader.NAIVE, latency));
      }
      List<KindResult> results = new ArrayList<>();
      for (Map.Entry<SampleKind, Long> kind : kinds.entrySet()) {
        String name = kind.getKey().name().toLowerCase(Locale.ROOT);
        Path local = directory.resolve(name);
        SampleDatasets.write(kind.getKey(), local, kind.getValue(), setup.shards(),
            Compression.NONE, SEED);
        long bytes = upload(local, "s3://" + BUCKET + "/" + name + "/", proxied);
        if (setup.direct()) {
          upload(local, "s3://" + DIRECT_BUCKET + "/" + name + "/", direct);
        }
        Map<Case, List<Run>> runs = new LinkedHashMap<>();
        cases.forEach(each -> runs.put(each, new ArrayList<>()));
        for (int run = -1; run < setup.runs(); run++) {
          List<Case> order = new ArrayList<>(cases);
          if (run % 2 != 0) {
            Collections.reverse(order);
          }
          for (Case each : order) {
            proxy.reset();
            proxy.bandwidthBytesPerSecond(setup.bandwidthMBps() * 1_000_000L);
            proxy.bandwidthPerRequest(setup.perRequestMBps() * 1_000_000L);
            proxy.latencyMillis(each.latencyMillis());
            String objects = "s3://" + BUCKET + "/" + name + "/*.tfrecord";
            Run measured = switch (each.reader()) {
              case NAIVE -> naiveRun(new NaiveObjectReader(naiveClient, BUCKET), name,
                  kind.getValue(), proxy);
              case LOCAL -> pipelineRun(local.resolve("*.tfrecord").toString(), kind.getKey(),
                  kind.getValue(), run, setup, StorageOptions.defaults(), proxy, false);
              case S3 -> pipelineRun(objects, kind.getKey(), kind.getValue(), run, setup,
                  proxied.withReadAhead(setup.readAhead()), proxy, true);
              case S3_DIRECT -> pipelineRun(
                  "s3://" + DIRECT_BUCKET + "/" + name + "/*.tfrecord", kind.getKey(),
                  kind.getValue(), run, setup, direct.withReadAhead(setup.readAhead()), proxy,
                  false);
            };
            if (run >= 0) {
              runs.get(each).add(measured);
            }
          }
        }
        results.add(new KindResult(name, kind.getValue(), bytes, runs));
      }
      return results;
    } finally {
      server.stop();
      BenchmarkFiles.deleteTree(directory);
    }
  }

  /** One epoch of the pipeline over {@code location}, timed from {@code iterator()} on. */
  static Run pipelineRun(String location, SampleKind kind, long records, int run, Setup setup,
      StorageOptions storage, FaultProxy proxy, boolean remote) {
    Dataset dataset = Dataset.tfrecord(location)
        .shuffleFiles(true)
        .interleave(Dataset.AUTO, Dataset.DEFAULT_BLOCK_LENGTH, setup.readerThreads())
        .parseExample(kind.exampleSpec())
        .batch(BATCH_ROWS, false)
        .prefetch(Dataset.AUTO)
        .withOptions(PipelineOptions.defaults().withSeed(SEED + run).withStorage(storage));
    ThreadCpuByRole cpuBefore = ThreadCpuByRole.now();
    ThreadCpuByRole cpuSeen = ThreadCpuByRole.now();
    long processCpuBefore = processCpuNanos();
    try (CaseSampler sampler = new CaseSampler(SAMPLE_MILLIS, cpuSeen)) {
      long start = System.nanoTime();
      long rows = 0;
      long labels = 0;
      Map<String, Double> cpu;
      try (BatchIterator batches = dataset.iterator()) {
        while (batches.hasNext()) {
          try (Batch batch = batches.next()) {
            rows += batch.rows();
            labels += batch.longs("label").get(0);
          }
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      cpu = cpuSeen.since(cpuBefore);
      double processCpu = (processCpuNanos() - processCpuBefore) / 1e9;
      if (rows != records || labels < 0) {
        throw new IllegalStateException(location + " gave " + rows + " rows, expected "
            + records);
      }
      return new Run(records / seconds, proxy.gets(), proxy.requests(),
          remote ? sampler.mean() : Double.NaN, remote ? sampler.max() : 0, cpu, processCpu,
          seconds);
    }
  }

  /** The naive reader over the kind's objects, through the proxy. */
  static Run naiveRun(NaiveObjectReader reader, String kind, long records, FaultProxy proxy)
      throws Exception {
    ThreadCpuByRole cpuBefore = ThreadCpuByRole.now();
    ThreadCpuByRole cpuSeen = ThreadCpuByRole.now();
    long processCpuBefore = processCpuNanos();
    long start = System.nanoTime();
    long read;
    try (CaseSampler sampler = new CaseSampler(SAMPLE_MILLIS, cpuSeen)) {
      read = reader.readAll(kind + "/", kind);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Map<String, Double> cpu = cpuSeen.since(cpuBefore);
    double processCpu = (processCpuNanos() - processCpuBefore) / 1e9;
    if (read != records) {
      throw new IllegalStateException("the naive reader read " + read + " records of " + kind
          + ", expected " + records);
    }
    return new Run(records / seconds, proxy.gets(), proxy.requests(), Double.NaN, 0, cpu,
        processCpu, seconds);
  }

  /** CPU time of this whole process: every thread, those that ended too. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** Copies every shard of {@code local} under {@code prefix}; the bytes copied. */
  static long upload(Path local, String prefix, StorageOptions storage)
      throws IOException {
    long bytes = 0;
    try (Stream<Path> files = Files.list(local)) {
      for (Path file : files.filter(path -> path.toString().endsWith(".tfrecord")).toList()) {
        Files.copy(file, StoragePaths.path(prefix + file.getFileName(), storage));
        bytes += Files.size(file);
      }
    }
    return bytes;
  }

  static StorageOptions storage(URI endpoint) {
    return StorageOptions.defaults().withScheme("s3", Map.of("endpoint", endpoint.toString(),
        "path_style", "true", "region", "us-east-1"));
  }

  /** The naive reader's client: the SDK's async client on Netty, as a hand-written loader has. */
  private static S3AsyncClient client(URI endpoint) {
    return S3AsyncClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
            System.getProperty("aws.accessKeyId"), System.getProperty("aws.secretAccessKey"))))
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .httpClientBuilder(NettyNioAsyncHttpClient.builder())
        .build();
  }

  private static int autoOrInt(String value) {
    return value.equalsIgnoreCase("auto") ? ReadAhead.AUTO : Integer.parseInt(value);
  }

  /** The report: per kind, every case's figures, then the ratios the issue sets targets for. */
  static String render(List<KindResult> results, List<Long> latencies, Setup setup) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "# Object storage: the pipeline from an S3 server with"
        + " latency per request%n%n"));
    out.append(String.format(Locale.ROOT, "Pipeline: tfrecord(%d shards, shuffled) →"
        + " interleave (cycle %d, block %d, reader threads %s) → parse_example → batch %d →"
        + " prefetch auto;"
        + " read-ahead %s; bandwidth cap %s. Median (min-max) of %d runs, one JVM, after a"
        + " warm-up round.%n%n", setup.shards(), Dataset.DEFAULT_CYCLE_LENGTH,
        Dataset.DEFAULT_BLOCK_LENGTH,
        setup.readerThreads() == Dataset.AUTO ? "auto" : setup.readerThreads(), BATCH_ROWS,
        setup.readAhead(),
        (setup.bandwidthMBps() == 0 ? "none" : setup.bandwidthMBps() + " MB/s (all bodies)")
            + (setup.perRequestMBps() == 0 ? "" : ", " + setup.perRequestMBps()
                + " MB/s per request"),
        setup.runs()));
    for (KindResult kind : results) {
      out.append(String.format(Locale.ROOT, "## %s: %,d records, %.1f MB%n%n", kind.kind(),
          kind.records(), kind.bytes() / 1e6));
      out.append("| case | records/s | MB/s | GETs (other requests)/run |"
          + " requests in flight (mean, max) | cores busy | CPU s: pipeline / consumer / client / proxy / server / other |\n");
      out.append("|---|---|---|---|---|---|---|\n");
      for (Map.Entry<Case, List<Run>> entry : kind.runs().entrySet()) {
        List<Run> runs = entry.getValue();
        List<Double> rates = runs.stream().map(Run::recordsPerSecond).toList();
        List<Double> megabytes = runs.stream()
            .map(run -> run.recordsPerSecond() * kind.bytes() / kind.records() / 1e6).toList();
        StringBuilder cpu = new StringBuilder();
        for (String role : ThreadCpuByRole.ROLES) {
          cpu.append(cpu.length() == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%.2f",
              Spread.of(runs.stream().map(run -> run.cpuSeconds().get(role)).toList())
                  .median()));
        }
        // What no live thread of the roles accounts for: the JVM's own threads (GC, JIT), which
        // the thread bean does not list, and what threads used after they were last seen.
        cpu.append(String.format(Locale.ROOT, " / %.2f", Spread.of(runs.stream()
            .map(run -> run.processCpuSeconds() - ThreadCpuByRole.ROLES.stream()
                .mapToDouble(role -> run.cpuSeconds().get(role)).sum())
            .toList()).median()));
        Case each = entry.getKey();
        out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n",
            each.name(), spread(rates, "%,.0f"), spread(megabytes, "%.0f"),
            each.throughProxy()
                ? String.format(Locale.ROOT, "%.0f (%.0f)",
                    Spread.of(runs.stream().map(run -> (double) run.gets()).toList()).median(),
                    Spread.of(runs.stream().map(run -> (double) (run.requests() - run.gets()))
                        .toList()).median()) : "",
            each.reader() == Reader.S3 ? String.format(Locale.ROOT, "%.1f, %d",
                Spread.of(runs.stream().map(Run::meanInFlight).toList()).median(),
                runs.stream().mapToInt(Run::maxInFlight).max().orElse(0)) : "",
            spread(runs.stream().map(run -> run.processCpuSeconds() / run.seconds()).toList(),
                "%.2f"),
            cpu));
      }
      out.append('\n');
      out.append("| ratio (per run, paired) | median (min-max) | target |\n|---|---|---|\n");
      Case local = find(kind, "local");
      Case atZero = find(kind, "s3, 0 ms");
      for (long latency : latencies) {
        Case s3 = find(kind, "s3, " + latency + " ms");
        Case naive = find(kind, "naive, " + latency + " ms");
        if (latency != 0 && atZero != null) {
          out.append(String.format(Locale.ROOT, "| s3 at %d ms / s3 at 0 ms | %s | %s |%n",
              latency, ratio(kind, s3, atZero), latency == 20 ? "≥ 0.8" : ""));
        }
        out.append(String.format(Locale.ROOT, "| s3 at %d ms / naive at %d ms | %s | %s |%n",
            latency, latency, ratio(kind, s3, naive), latency == 20 ? "≥ 5" : ""));
      }
      if (atZero != null) {
        out.append(String.format(Locale.ROOT, "| s3 at 0 ms / local | %s | |%n",
            ratio(kind, atZero, local)));
      }
      Case direct = find(kind, "s3 without the proxy");
      if (atZero != null && direct != null) {
        out.append(String.format(Locale.ROOT, "| s3 at 0 ms / s3 without the proxy | %s | |%n",
            ratio(kind, atZero, direct)));
      }
      out.append('\n');
    }
    out.append("Each case is timed from asking for the iterator (listing included) to the last"
        + " batch. GETs include the listing. Requests in flight: the proxy's handlers busy with"
        + " a request, sampled every " + SAMPLE_MILLIS + " ms (the interleave keeps "
        + Dataset.DEFAULT_CYCLE_LENGTH + " objects open). Cores busy: the process's CPU time"
        + " over the run's time (of " + Runtime.getRuntime().availableProcessors() + "). CPU"
        + " seconds per run (median) by thread, sampled: the S3 server (S3Mock, Jetty) and the"
        + " proxy run in this JVM on the same cores as the pipeline; other is the process's CPU"
        + " time no listed thread accounts for (GC, JIT compilers, threads that ended).\n");
    return out.toString();
  }

  private static Case find(KindResult kind, String name) {
    return kind.runs().keySet().stream().filter(each -> each.name().equals(name)).findFirst()
        .orElse(null);
  }

  private static String ratio(KindResult kind, Case numerator, Case denominator) {
    List<Run> top = kind.runs().get(numerator);
    List<Run> bottom = kind.runs().get(denominator);
    List<Double> ratios = new ArrayList<>();
    for (int run = 0; run < top.size(); run++) {
      ratios.add(top.get(run).recordsPerSecond() / bottom.get(run).recordsPerSecond());
    }
    return spread(ratios, "%.2f");
  }

  /** "median (min-max)" of {@code values}, each as {@code pattern} formats it. */
  private static String spread(List<Double> values, String pattern) {
    Spread spread = Spread.of(values);
    return String.format(Locale.ROOT, pattern + " (" + pattern + "-" + pattern + ")",
        spread.median(), spread.min(), spread.max());
  }
}
