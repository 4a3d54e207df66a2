package com.example.training;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Trains a TensorFlow Java model on batches from an ingest pipeline and prints how it went; exits
 * with status 1 when the loss did not fall.
 *
 * <pre>
 *   mvn -q compile exec:java                                 sample data under target/data
 *   mvn -q compile exec:java -Dexec.args="DATA_FOLDER EPOCHS"
 * </pre>
 *
 * With no folder given, sample data is written to {@code target/data/tabular} first; a folder
 * given must hold TFRecord files of the same features (see {@link SampleData}).
 */
public final class EmbeddedTraining {
  private static final Path SAMPLE_DATA = Path.of("target", "data", "tabular");
  private static final int SAMPLE_RECORDS = 8192;
  private static final int SAMPLE_SHARDS = 4;
  private static final int DEFAULT_EPOCHS = 3;
  private static final float LEARNING_RATE = 0.5f;

  private EmbeddedTraining() {}

  public static void main(String[] args) throws IOException {
    Path data = SAMPLE_DATA;
    if (args.length > 0) {
      data = Path.of(args[0]);
    } else {
      SampleData.writeIfAbsent(SAMPLE_DATA, SAMPLE_RECORDS, SAMPLE_SHARDS, 1);
    }
    int epochs = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_EPOCHS;

    TrainingResult result = TrainingRun.train(data, epochs, LEARNING_RATE);

    System.out.printf("steps %d, loss %.4f -> %.4f, idle fraction %.3f%n",
        result.steps(), result.lossFirst(), result.lossLast(), result.idleFraction());
    if (!result.lossFell()) {
      System.err.println("the loss did not fall");
      System.exit(1);
    }
  }
}
