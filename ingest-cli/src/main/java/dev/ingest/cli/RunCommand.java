package dev.ingest.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ingest.BatchIterator;
import dev.ingest.Dataset;
import dev.ingest.PipelineState;
import dev.ingest.StateMismatchException;
import dev.ingest.StageMetrics;
import dev.ingest.TunerDecision;
import dev.ingest.Tuning;
import dev.ingest.cli.config.ConfigException;
import dev.ingest.cli.config.PipelineConfig;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ingest run PIPELINE.yaml}: runs a pipeline config against a {@link
 * SimulatedAccelerator} and prints the run report (CONTRACTS.md section 3).
 *
 * <p>{@code bytes} are the serialized record bytes the batches hold (uncompressed, without the
 * framing); an epoch runs from asking for its first batch to the end of its last step.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Runs a pipeline YAML against a simulated accelerator and reports throughput,"
        + " the accelerator's idle time and each stage's load.")
final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "PIPELINE.yaml", description = "the pipeline config")
  Path pipeline;

  @Option(names = "--epochs", paramLabel = "E",
      description = "passes over the data, replacing the config's repeat (-1: forever)")
  Integer epochs;

  @Option(names = "--max-batches", paramLabel = "N", description = "stop after N batches")
  Long maxBatches;

  @Option(names = "--step-ms", paramLabel = "X", defaultValue = "0",
      description = "ms the simulated accelerator parks per batch (default: ${DEFAULT-VALUE})")
  double stepMillis;

  @Option(names = "--set", paramLabel = "PATH=VALUE",
      description = "overrides a config value, e.g. stages.3.batch.batch_size=512")
  List<String> settings = new ArrayList<>();

  @Option(names = "--digest",
      description = "computes the run digest (SHA-256 over every batch), after each step and"
          + " outside every figure of the report")
  boolean digest;

  @Option(names = "--digest-log", paramLabel = "FILE",
      description = "writes the hex SHA-256 of each batch, one line per batch (implies --digest)")
  Path digestLog;

  @Option(names = "--warmup-epochs", paramLabel = "N", defaultValue = "0",
      description = "runs N epochs of the pipeline first, as a pass of their own, and leaves them"
          + " out of the totals (default: ${DEFAULT-VALUE})")
  int warmupEpochs;

  @Option(names = "--save-state", paramLabel = "FILE",
      description = "after the last batch of the run, writes the iterator's state to FILE")
  Path saveState;

  @Option(names = "--resume", paramLabel = "FILE",
      description = "starts from a state --save-state wrote (same pipeline and settings)")
  Path resumeFrom;

  @Option(names = "--json", description = "print the report as one JSON object")
  boolean json;

  @Option(names = "--progress",
      description = "show progress on stderr even when not on a terminal (a line a second)")
  boolean progress;

  @Override
  public Integer call() throws IOException, ConfigException {
    if (stepMillis < 0) {
      throw new ParameterException(spec.commandLine(), "--step-ms must be at least 0");
    }
    if (maxBatches != null && maxBatches < 0) {
      throw new ParameterException(spec.commandLine(), "--max-batches must be at least 0");
    }
    if (epochs != null && epochs != -1 && epochs < 1) {
      throw new ParameterException(spec.commandLine(), "--epochs must be -1 or at least 1");
    }
    if (warmupEpochs < 0) {
      throw new ParameterException(spec.commandLine(), "--warmup-epochs must be at least 0");
    }
    OptionPaths.requireReadableFile(resumeFrom, "--resume");
    OptionPaths.requireWritableFile(digestLog, "--digest-log");
    OptionPaths.requireWritableFile(saveState, "--save-state");
    PipelineConfig config = PipelineConfig.load(pipeline, settings);
    SourceFiles.warnAboutEmptyFiles(SourceFiles.find(config, pipeline.toString()),
        spec.commandLine().getErr());
    Dataset dataset = config.dataset();
    if (epochs != null) {
      dataset = dataset.repeat(epochs);
    }
    PipelineState from = resumeFrom == null ? null : readState(dataset);
    List<SimulatedAccelerator.Epoch> warmup = warmUp(config);
    SimulatedAccelerator.Run run;
    PipelineState reached = null;
    // The digest log is written beside its file and moved in once the run ends: a run that fails
    // midway leaves no log that looks whole.
    Path partialLog = digestLog == null ? null : StateFile.partial(digestLog);
    long iteratorAskedAt = System.nanoTime();
    try (BatchIterator batches = limited(from == null ? dataset.iterator() : resume(dataset, from));
        BufferedWriter log = partialLog == null
            ? null : Files.newBufferedWriter(partialLog, StandardCharsets.UTF_8);
        RunProgress bar = RunProgress.start(spec.commandLine().getErr(), progress, config.name(),
            maxBatches == null ? -1 : maxBatches)) {
      RunDigest runDigest = digest || log != null ? new RunDigest(log) : null;
      run = new SimulatedAccelerator(stepMillis)
          .consume(batches, iteratorAskedAt, batch -> bar.batch(batch.rows()), runDigest)
          .withWarmup(warmup);
      if (saveState != null) {
        try {
          reached = batches.state();
        } catch (IllegalStateException e) {
          throw new ParameterException(spec.commandLine(), "--save-state: " + e.getMessage());
        }
      }
    } catch (RuntimeException | IOException | Error e) {
      if (partialLog != null) {
        Files.deleteIfExists(partialLog);
      }
      throw e;
    }
    if (partialLog != null) {
      Files.move(partialLog, digestLog.toAbsolutePath(), StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    }
    if (reached != null) {
      writeState(reached);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Json.print(out, report(run));
    } else {
      out.println("Ran " + pipeline + ":");
      RunReport.printHuman(out, run);
      out.flush();
    }
    return ExitCode.OK;
  }

  /**
   * Runs {@code --warmup-epochs} epochs of the config's pipeline as a pass of its own, before the
   * measured one: the JIT, the page cache and the allocator warm up, while the measured pass keeps
   * the batches, digest and state it has without a warm-up (so every other flag means the same).
   */
  private List<SimulatedAccelerator.Epoch> warmUp(PipelineConfig config) {
    if (warmupEpochs == 0) {
      return List.of();
    }
    long iteratorAskedAt = System.nanoTime();
    try (BatchIterator batches = config.dataset().repeat(warmupEpochs).iterator()) {
      return new SimulatedAccelerator(stepMillis)
          .consume(batches, iteratorAskedAt, batch -> {}, null)
          .epochs();
    }
  }

  private BatchIterator limited(BatchIterator batches) {
    return maxBatches == null ? batches : new FirstBatches(batches, maxBatches);
  }

  /** The state in {@code --resume}'s file; a bad file or another pipeline's state is bad usage. */
  private PipelineState readState(Dataset dataset) throws IOException {
    PipelineState state;
    try {
      state = PipelineState.fromBytes(Files.readAllBytes(resumeFrom));
      state.requireSpec(dataset.spec());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--resume " + resumeFrom + ": "
          + e.getMessage());
    }
    return state;
  }

  /** Starts from {@code state}; one that does not fit (other files, checked on start) is bad usage. */
  private BatchIterator resume(Dataset dataset, PipelineState state) {
    try {
      return dataset.iterator(state);
    } catch (StateMismatchException e) {
      throw new ParameterException(spec.commandLine(), "--resume " + resumeFrom + ": "
          + e.getMessage());
    }
  }

  /**
   * Writes the state next to its file and moves it in ({@link StateFile}), so that neither a crash
   * nor a full disk leaves half a state.
   */
  private void writeState(PipelineState state) throws IOException {
    StateFile.write(saveState, state);
  }

  /**
   * One entry of the report's {@code epochs}; beyond the contract's keys, the epoch's own idle
   * fraction and whether it belongs to the --warmup-epochs pass (left out of every total).
   */
  private static void addEpoch(ArrayNode epochs, SimulatedAccelerator.Epoch epoch,
      boolean warmup) {
    epochs.addObject()
        .put("epoch", epoch.epoch())
        .put("records", epoch.records())
        .put("seconds", epoch.seconds())
        .put("records_per_second", epoch.recordsPerSecond())
        .put("idle_fraction", epoch.idleFraction())
        .put("warmup", warmup);
  }

  /** The contract's report (CONTRACTS.md section 3). */
  static ObjectNode report(SimulatedAccelerator.Run run) {
    ObjectNode node = Json.object();
    node.put("records", run.records());
    node.put("batches", run.batches());
    node.put("bytes", run.bytes());
    node.put("seconds", run.seconds());
    node.put("records_per_second", run.recordsPerSecond());
    node.put("bytes_per_second", run.bytesPerSecond());
    ObjectNode consumer = node.putObject("consumer");
    consumer.put("step_ms", run.stepMillis());
    consumer.put("idle_fraction", run.idleFraction());
    consumer.put("first_batch_ms", run.firstBatchNanos() / 1e6);
    consumer.put("wait_p50_ms", run.waitPercentileMillis(50));
    consumer.put("wait_p99_ms", run.waitPercentileMillis(99));
    ArrayNode stages = node.putArray("stages");
    for (StageMetrics stage : run.metrics().stages()) {
      stages.addObject()
          .put("name", stage.name())
          .put("parallelism", stage.parallelism())
          .put("elements", stage.elements())
          .put("busy_fraction", stage.busyFraction())
          .put("input_wait_fraction", stage.inputWaitFraction())
          .put("output_wait_fraction", stage.outputWaitFraction())
          // Beyond the contract's keys: time per element and how full the input queue ran.
          .put("latency_p50_ms", stage.latencyP50Micros() / 1e3)
          .put("latency_p99_ms", stage.latencyP99Micros() / 1e3)
          .put("queue_fill", stage.queueFill());
    }
    node.put("bottleneck", run.metrics().bottleneck());
    ArrayNode epochs = node.putArray("epochs");
    run.warmupEpochs().forEach(epoch -> addEpoch(epochs, epoch, true));
    run.epochs().forEach(epoch -> addEpoch(epochs, epoch, false));
    ObjectNode skipped = node.putObject("skipped");
    skipped.put("corrupt_records", run.skippedRecords());
    skipped.put("files", run.skippedFiles());
    node.put("digest", run.digest());
    // Beyond the contract's keys: the time hashing took, outside every figure above.
    if (run.digest() != null) {
      node.put("digest_seconds", run.digestNanos() / 1e9);
    }
    // Beyond the contract's keys, after them: the memory budget and the most bytes in flight.
    node.putObject("memory")
        .put("budget_bytes", run.memoryBudgetBytes())
        .put("peak_bytes", run.peakMemoryBytes());
    // After those: what the autotuner chose and why (settings under auto, else fixed).
    Tuning tuning = run.metrics().tuning();
    if (tuning != null) {
      ObjectNode tuned = node.putObject("tuning");
      tuned.put("parse_workers", tuning.parseWorkers())
          .put("parse_workers_auto", tuning.autoWorkers())
          .put("max_parse_workers", tuning.maxParseWorkers())
          .put("prefetch", tuning.prefetch())
          .put("prefetch_auto", tuning.autoPrefetch())
          .put("max_prefetch", tuning.maxPrefetch())
          .put("settled", tuning.settled());
      ArrayNode decisions = tuned.putArray("decisions");
      for (TunerDecision decision : tuning.decisions()) {
        decisions.addObject()
            .put("at_ms", decision.atMillis())
            .put("parameter", decision.parameter())
            .put("from", decision.from())
            .put("to", decision.to())
            .put("reason", decision.reason());
      }
    }
    return node;
  }
}
