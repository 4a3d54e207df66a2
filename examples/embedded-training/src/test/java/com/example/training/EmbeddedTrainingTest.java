package com.example.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example's training loop, run end to end on a little sample data. */
class EmbeddedTrainingTest {
  private static final int RECORDS = 4096;

  @TempDir Path dir;

  @Test
  void theLossFallsByHalfInTwoEpochs() throws IOException {
    Path data = dir.resolve("tabular");
    SampleData.writeIfAbsent(data, RECORDS, 2, 7);

    TrainingResult result = TrainingRun.train(data, 2, 0.5f);

    assertEquals(2 * RECORDS / TrainingRun.BATCH_SIZE, result.steps(), "one step per batch");
    // Zero weights give every class the same probability at first: the loss is ln(classes).
    assertEquals(Math.log(SampleData.CLASSES), result.lossFirst(), 1e-4);
    assertTrue(result.lossLast() < result.lossFirst() / 2,
        () -> "loss " + result.lossFirst() + " -> " + result.lossLast());
  }
}
