package dev.ingest.tensorflow;

import static dev.ingest.tensorflow.TestBatches.example;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.Batch;
import dev.ingest.tfrecord.sample.SampleKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

/**
 * Rounds of 10,000 conversions of a training-sized batch leave no tensor behind. The evidence
 * that decides is JavaCPP's count of live native objects (every TensorFlow tensor is one), which
 * must return to where it started. The process's resident memory after each round is printed as
 * the figure to watch, not asserted: the Java heap touching its committed pages moves it by
 * itself under the build's 2 GiB heap; run with {@code -Dsurefire.argLine=-Xmx128m} and it stays
 * flat after the first round. A native leak shows as growth that does not level off.
 */
class NativeMemoryTest {
  private static final int BATCHES = 10_000;
  private static final int ROUNDS = 3;
  private static final int ROWS = 256;

  @Test
  void roundsOfTenThousandBatchesOfTensorsAreAllFreed() throws IOException {
    SplittableRandom random = new SplittableRandom(1);
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      records.add(example(encoder -> SampleKind.TABULAR.next(random, encoder)));
    }
    try (Batch batch = TestBatches.parse(SampleKind.TABULAR.exampleSpec(), records)) {
      // The first tensor loads TensorFlow, which keeps a native object of its own for good.
      convert(batch, 1);
      long liveBefore = Pointer.totalCount();
      List<String> resident = new ArrayList<>();
      resident.add(mib(residentBytes()));
      for (int round = 0; round < ROUNDS; round++) {
        convert(batch, BATCHES);
        resident.add(mib(residentBytes()));
        assertThat(Pointer.totalCount()).as("live native objects after round %d", round)
            .isEqualTo(liveBefore);
      }
      System.out.printf("NativeMemoryTest: %d rounds of %d batches of %d rows; resident MiB at"
              + " the start and after each round: %s; live native objects %d throughout%n",
          ROUNDS, BATCHES, ROWS, String.join(" -> ", resident), liveBefore);
    }
  }

  private static void convert(Batch batch, int times) {
    for (int i = 0; i < times; i++) {
      try (BatchTensors tensors = TensorBridge.toTensors(batch)) {
        assertThat(tensors.rows()).isEqualTo(ROWS);
      }
    }
  }

  private static String mib(long bytes) {
    return String.format("%.1f", bytes / 1048576.0);
  }

  /** VmRSS from /proc (Linux); 0 elsewhere, where only the object count is checked. */
  private static long residentBytes() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.isReadable(status)) {
      return 0;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return 0;
  }
}
