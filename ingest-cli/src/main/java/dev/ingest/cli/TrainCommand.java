package dev.ingest.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ingest.BatchIterator;
import dev.ingest.Dataset;
import dev.ingest.cli.config.ConfigException;
import dev.ingest.cli.config.PipelineConfig;
import dev.ingest.tensorflow.training.LabelOutOfRangeException;
import dev.ingest.tensorflow.training.SoftmaxRegression;
import dev.ingest.tensorflow.training.TrainingLoop;
import dev.ingest.tensorflow.training.TrainingReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ingest train PIPELINE.yaml}: trains a softmax regression in TensorFlow Java on the
 * pipeline's batches (a features vector and an int64 label per record, as {@code ingest gen
 * --kind tabular} writes) and reports the loss, steps per second and how much of the time the
 * training loop waited for data. A pipeline without those columns, or labels outside {@code
 * [0, --classes)}, is bad usage (exit 2).
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = "Trains a softmax regression in TensorFlow Java on a pipeline's batches and"
        + " reports the loss, steps/s and the training loop's idle fraction.")
final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "PIPELINE.yaml", description = "the pipeline config")
  Path pipeline;

  @Option(names = "--steps", paramLabel = "N",
      description = "stop after N steps (default: every batch the pipeline yields)")
  Long steps;

  @Option(names = "--learning-rate", paramLabel = "RATE", defaultValue = "0.5",
      description = "gradient descent step size (default: ${DEFAULT-VALUE})")
  float learningRate;

  @Option(names = "--classes", paramLabel = "K", defaultValue = "10",
      description = "labels are in [0, K) (default: ${DEFAULT-VALUE})")
  int classes;

  @Option(names = "--features", paramLabel = "NAME", defaultValue = "features",
      description = "the float32 vector feature to learn from (default: ${DEFAULT-VALUE})")
  String featuresName;

  @Option(names = "--label", paramLabel = "NAME", defaultValue = "label",
      description = "the int64 scalar feature to predict (default: ${DEFAULT-VALUE})")
  String labelName;

  @Option(names = "--set", paramLabel = "PATH=VALUE",
      description = "overrides a config value, e.g. stages.2.batch.batch_size=512")
  List<String> settings = new ArrayList<>();

  @Option(names = "--json", description = "print the report as one JSON object")
  boolean json;

  @Override
  public Integer call() throws IOException, ConfigException {
    if (steps != null && steps < 1) {
      throw new ParameterException(spec.commandLine(), "--steps must be at least 1");
    }
    if (classes < 2) {
      throw new ParameterException(spec.commandLine(), "--classes must be at least 2");
    }
    if (!(learningRate > 0)) {
      throw new ParameterException(spec.commandLine(), "--learning-rate must be positive");
    }
    PipelineConfig config = PipelineConfig.load(pipeline, settings);
    Dataset dataset = config.dataset();
    TrainingLoop loop = new TrainingLoop(featuresName, labelName);
    int width;
    try {
      width = loop.featureWidth(config.spec().features());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "cannot train on " + pipeline + ": "
          + e.getMessage());
    }
    SourceFiles.warnAboutEmptyFiles(SourceFiles.find(config, pipeline.toString()),
        spec.commandLine().getErr());
    TrainingReport report;
    try (SoftmaxRegression model = newModel(width);
        BatchIterator batches = dataset.iterator()) {
      report = loop.run(batches, model, steps == null ? -1 : steps);
    } catch (LabelOutOfRangeException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Json.print(out, report(report));
    } else {
      out.println("Trained a softmax regression on " + pipeline + ":");
      out.printf("  %d steps; loss %.4f at the first step, %.4f at the last%n",
          report.steps(), report.lossFirst(), report.lossLast());
      out.printf("  %.1f steps/s; waiting for data %.2f%% of the time; first batch after"
              + " %.1f ms%n",
          report.stepsPerSecond(), 100 * report.idleFraction(), report.firstBatchNanos() / 1e6);
      out.flush();
    }
    return ExitCode.OK;
  }

  /**
   * The model, whose graph is the first thing to load TensorFlow's native library. That library
   * ships beside the CLI jar, not in it (see docs/cli.md), so a jar moved without its lib/
   * folder fails here: say so, as an I/O failure (exit 1), rather than as an internal error.
   */
  private SoftmaxRegression newModel(int width) throws IOException {
    try {
      return new SoftmaxRegression(width, classes, learningRate);
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      throw new IOException("cannot load TensorFlow's native library (" + e.getMessage()
          + "); it ships as lib/tensorflow-core-native-*.jar beside ingest-cli.jar: keep the"
          + " two together, or rebuild with ./ingest", e);
    }
  }

  /** The contract's keys first (CONTRACTS.md section 2), then the time to the first batch. */
  static ObjectNode report(TrainingReport report) {
    ObjectNode node = Json.object();
    node.put("steps", report.steps());
    putLoss(node, "loss_first", report.lossFirst());
    putLoss(node, "loss_last", report.lossLast());
    node.put("steps_per_second", report.stepsPerSecond());
    node.put("idle_fraction", report.idleFraction());
    node.put("first_batch_ms", report.firstBatchNanos() / 1e6);
    node.put("seconds", report.trainingNanos() / 1e9);
    return node;
  }

  /** No step, no loss: JSON has no NaN, so it is null. */
  private static void putLoss(ObjectNode node, String key, float loss) {
    if (Float.isNaN(loss)) {
      node.putNull(key);
    } else {
      node.put(key, loss);
    }
  }
}
