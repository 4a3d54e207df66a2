package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import dev.ingest.Dataset;
import dev.ingest.IngestException;
import dev.ingest.PipelineOptions;
import dev.ingest.PipelineState;
import dev.ingest.fuzz.FuzzFiles;
import dev.ingest.fuzz.FuzzSeed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Feeds a saved pipeline state ({@code --save-state}, {@code --resume-from}) that nobody saved:
 * any bytes to {@link PipelineState#fromBytes}, or a real state of a small shuffled, interleaved
 * pipeline with some of its values replaced, which is then resumed and read to its end (the path
 * {@code ingest run --resume-from} takes: decode, check against the spec, start from the
 * checkpoint).
 *
 * <p>The invariant: decoding throws only {@link IllegalArgumentException} (what {@code
 * fromBytes} documents); starting from a state refuses it with an {@link
 * IllegalArgumentException} ({@link dev.ingest.StateMismatchException} among them); and a
 * pipeline started from it either runs to its end or fails with an {@link IngestException}
 * whose cause is bad data (an {@link IOException}) or the source's refusal of positions that
 * contradict each other (an {@link IllegalArgumentException}), never a bug's exception (an index
 * out of bounds, an arithmetic overflow) and never a hang. No count in a state makes the decoder
 * allocate more than the state's bytes could describe. The inputs under {@code
 * PipelineStateFuzzTestInputs/} replay in every test run.
 */
class PipelineStateFuzzTest {
  /** More than the pipeline's 2 epochs of 12 batches: a resumed run is cut off after these. */
  private static final int MAX_BATCHES = 40;
  private static Dataset dataset;
  private static List<String> savedState;

  @FuzzTest(maxDuration = "60s")
  void resumeFromState(FuzzedDataProvider data) {
    byte[] bytes;
    if (data.consumeBoolean()) {
      bytes = data.consumeRemainingAsBytes();
    } else {
      // A real state, some of whose values are replaced: the spec line stays, so that the
      // state reaches the runtime.
      StringBuilder text = new StringBuilder();
      for (String line : saved()) {
        int equals = line.indexOf('=');
        String key = line.substring(0, equals);
        String value = line.substring(equals + 1);
        int change = key.equals("spec") ? 0 : data.consumeInt(0, 3);
        if (change == 1) {
          value = Long.toString(data.consumeLong());
        } else if (change == 2) {
          value = data.consumeString(64);
        } else if (change == 3) {
          // One number of a line of several, as a torn or edited file would have it.
          String[] words = value.split(" ", -1);
          words[data.consumeInt(0, words.length - 1)] = Long.toString(data.consumeLong());
          value = String.join(" ", words);
        }
        text.append(key).append('=').append(value).append('\n');
      }
      bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    }
    PipelineState state;
    try {
      state = PipelineState.fromBytes(bytes);
    } catch (IllegalArgumentException refused) {
      return;
    }
    BatchIterator batches;
    try {
      batches = dataset().iterator(state);
    } catch (IllegalArgumentException refused) {
      return;
    }
    try (BatchIterator resumed = batches) {
      for (int i = 0; i < MAX_BATCHES && resumed.hasNext(); i++) {
        try (Batch batch = resumed.next()) {
          assertThat(batch.rows()).isPositive();
        }
      }
    } catch (IngestException failed) {
      // Bad data (IOException), or a state whose lines contradict each other (cycle offsets
      // before buffered records of the same file), refused by the source's own ordering check
      // at its next checkpoint (IllegalArgumentException). Anything else is a bug.
      if (!(failed.getCause() instanceof IOException
          || failed.getCause() instanceof IllegalArgumentException)) {
        throw new AssertionError("a resumed pipeline failed with a bug's exception", failed);
      }
    }
  }

  /** Two epochs of 90 records in 3 files, interleaved, shuffled, in batches of 8. */
  private static synchronized Dataset dataset() {
    if (dataset == null) {
      try {
        Path dir = FuzzFiles.scratchFolder("fuzz-state");
        IdRecords.write(dir, 30, 30, 30);
        for (Path file : java.nio.file.Files.newDirectoryStream(dir)) {
          file.toFile().deleteOnExit();
        }
        dataset = Dataset.tfrecord(dir.toString()).parseExample(IdRecords.SPEC)
            .interleave(2, 4).shuffle(16).batch(8, false).repeat(2)
            .withOptions(PipelineOptions.defaults().withThreads(1).withSeed(7));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return dataset;
  }

  /** The lines of the state after the pipeline's 5th batch: with a checkpoint, mid-epoch. */
  private static synchronized List<String> saved() {
    if (savedState == null) {
      try (BatchIterator batches = dataset().iterator()) {
        for (int i = 0; i < 5; i++) {
          batches.next().close();
        }
        savedState = new String(batches.state().toBytes(), StandardCharsets.UTF_8).lines()
            .toList();
      }
    }
    return savedState;
  }

  /**
   * Writes the seed inputs into the committed corpus (run once, from the module's folder, with
   * {@code -Dfuzz.writeSeeds=true}): the saved state as it is, the same resumed in a later
   * epoch, and a state whose shuffle line claims 2^31 - 1 records.
   */
  @Test
  @EnabledIfSystemProperty(named = "fuzz.writeSeeds", matches = "true")
  void writeSeeds() throws IOException {
    Path inputs = Path.of("src/test/resources/dev/ingest/runtime/"
        + "PipelineStateFuzzTestInputs/resumeFromState");
    FuzzSeed unchanged = new FuzzSeed().bool(false);
    for (String line : saved()) {
      if (!line.startsWith("spec=")) {
        unchanged.number(0, 0, 3);
      }
    }
    unchanged.writeTo(inputs, "saved-state");
    String text = String.join("\n", saved()) + "\n";
    new FuzzSeed().bool(true).bytes(text.getBytes(StandardCharsets.UTF_8))
        .writeTo(inputs, "saved-state-raw");
    List<String> hostile = new ArrayList<>();
    for (String line : saved()) {
      hostile.add(line.startsWith("shuffle=")
          ? "shuffle=" + Integer.MAX_VALUE + " " + line.substring(line.indexOf(' ') + 1) : line);
    }
    new FuzzSeed().bool(true)
        .bytes((String.join("\n", hostile) + "\n").getBytes(StandardCharsets.UTF_8))
        .writeTo(inputs, "shuffle-count-2-pow-31");
  }
}
