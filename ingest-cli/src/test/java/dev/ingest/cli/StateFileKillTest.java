package dev.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.PipelineState;
import dev.ingest.testing.ChildJvm;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.sample.SampleDatasets;
import dev.ingest.tfrecord.sample.SampleKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ingest run --save-state} killed for real at random moments ({@link StateSavingChild}
 * saves a state after every batch, each run resuming from the last; the parent kills it after a
 * seeded random number of its lines and a seeded random delay). After every kill the state file
 * is absent or whole, the digest log is absent or whole, and the next child, resuming from that
 * state, yields exactly the batches an uninterrupted run yields at those positions; the run after
 * the last kill finishes the epochs exactly.
 */
class StateFileKillTest {
  /** A kill lands up to this long after its line: within a run or two of the child's. */
  private static final long MAX_DELAY_NANOS = 60_000_000;

  @TempDir Path dir;

  @Test
  void killsAtRandomMomentsLeaveAWholeStateAndTheResumedRunsAreExact() throws IOException {
    Path data = dir.resolve("data");
    SampleDatasets.write(SampleKind.TABULAR, data, 500, 3, Compression.NONE, 1);
    Path config = dir.resolve("pipeline.yaml");
    Files.writeString(config, RunCommandTest.PIPELINE);
    Path whole = dir.resolve("whole.txt");
    assertThat(run(config, data, "--digest-log", whole.toString()).exitCode()).isZero();
    List<String> expected = Files.readAllLines(whole);
    Path state = dir.resolve("state");
    Path partialState = dir.resolve("state.partial");
    Path log = dir.resolve("log.txt");

    Random random = new Random(CliKills.SEED);
    int kills = 0;
    int midWrite = 0;
    for (int child = 0; child < CliKills.KILLS; child++) {
      // Within the batches left, so that most children are killed rather than finish.
      long left = expected.size() - (Files.exists(state)
          ? PipelineState.fromBytes(Files.readAllBytes(state)).batchesDelivered() : 0);
      int lines = 1 + random.nextInt((int) left + 1);
      long delay = (long) (random.nextDouble() * MAX_DELAY_NANOS);
      ChildJvm.Ended ended = ChildJvm.killAfter(ChildJvm.start(StateSavingChild.class, List.of(),
          config.toString(), data.toString(), state.toString(), log.toString()),
          StateSavingChild.PROGRESS, lines, delay);

      for (String batch : ended.marked(StateSavingChild.BATCH)) {
        String[] position = batch.split(" ");
        int delivered = Integer.parseInt(position[0]);
        assertThat(position[1]).as("child %s, batch %s: %s", child, delivered, ended.lines())
            .isEqualTo(expected.get(delivered - 1));
      }
      if (!ended.killed()) {
        assertThat(ended.exitCode()).as("child %s: %s", child, ended.lines()).isZero();
        assertThat(ended.lines()).last().isEqualTo(StateSavingChild.END);
        // The job is done: the next child starts from the first batch again.
        Files.delete(state);
        continue;
      }
      kills++;
      midWrite += Files.exists(partialState) ? 1 : 0;
      if (Files.exists(state)) {
        PipelineState saved = PipelineState.fromBytes(Files.readAllBytes(state));
        assertThat(saved.batchesDelivered()).as("after kill %s", child)
            .isBetween(0L, (long) expected.size());
      }
      if (Files.exists(log)) {
        assertThat(Files.readAllLines(log)).as("the digest log after kill %s", child)
            .hasSizeLessThanOrEqualTo(1).allMatch(line -> line.matches("[0-9a-f]{64}"));
      }
    }

    // The run after the last kill resumes from what it left, and ends the epochs exactly.
    Path rest = dir.resolve("rest.txt");
    long delivered = Files.exists(state)
        ? PipelineState.fromBytes(Files.readAllBytes(state)).batchesDelivered() : 0;
    Cli.Outcome last = Files.exists(state)
        ? run(config, data, "--resume", state.toString(), "--digest-log", rest.toString())
        : run(config, data, "--digest-log", rest.toString());
    assertThat(last.exitCode()).as(last.err()).isZero();
    assertThat(Files.readAllLines(rest))
        .isEqualTo(expected.subList((int) delivered, expected.size()));
    System.out.println("StateFileKillTest: " + kills + " kills, " + midWrite
        + " of them while a state was being written");
    assertThat(kills).as("children killed before they ended").isPositive();
  }

  private static Cli.Outcome run(Path config, Path data, String... extra) {
    String[] args = new String[4 + extra.length];
    args[0] = "run";
    args[1] = config.toString();
    args[2] = "--set";
    args[3] = "source.tfrecord.files.0=" + data;
    System.arraycopy(extra, 0, args, 4, extra.length);
    return Cli.run(args);
  }
}
