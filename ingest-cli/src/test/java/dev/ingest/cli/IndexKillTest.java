package dev.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.testing.ChildJvm;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.index.RecordIndex;
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
 * Record indexes killed for real while they are written ({@link IndexingChild} writes them again
 * and again, with {@code ingest index} and with a run's {@code index: build}; the parent kills it
 * after a seeded random number of rounds and a seeded random delay). After every kill, each
 * sidecar present loads whole and says what a fresh index of its shard says (a half-written one
 * is only ever a hidden temporary), and the next run, building what is missing, yields exactly
 * the batches of a run with every index in place.
 */
class IndexKillTest {
  private static final String PIPELINE = """
      version: 1
      name: index-kills
      source:
        tfrecord:
          files: [data]
          index: build
      stages:
        - parse_example:
            features:
              features: {type: float32, shape: [32]}
              label: {type: int64, shape: [], default: 0}
        - shuffle: {mode: global}
        - batch: {batch_size: 64, drop_remainder: false}
      options: {seed: 3, threads: 2}
      """;
  /** A kill lands up to this long after its line: within a round or two of the child's. */
  private static final long MAX_DELAY_NANOS = 80_000_000;

  @TempDir Path dir;

  @Test
  void killsAtRandomMomentsNeverLeaveAnIndexTakenForWhole() throws IOException {
    Path data = dir.resolve("data");
    SampleDatasets.write(SampleKind.TABULAR, data, 6_000, 4, Compression.NONE, 1);
    List<Path> shards = ChildJvm.names(data).stream().map(data::resolve).toList();
    Path config = dir.resolve("pipeline.yaml");
    Files.writeString(config, PIPELINE);
    List<String> expected = digests(config, data);
    IndexingChild.deleteIndexes(data);

    Random random = new Random(CliKills.SEED);
    int kills = 0;
    int midWrite = 0;
    int temporaries = 0;
    int midRebuild = 0;
    for (int child = 0; child < CliKills.KILLS; child++) {
      int lines = 1 + random.nextInt(4);
      long delay = (long) (random.nextDouble() * MAX_DELAY_NANOS);
      ChildJvm.Ended ended = ChildJvm.killAfter(ChildJvm.start(IndexingChild.class, List.of(),
          config.toString(), data.toString()), IndexingChild.PROGRESS, lines, delay);
      assertThat(ended.killed()).as("child %s: %s", child, ended.lines()).isTrue();
      kills++;

      List<String> left = ChildJvm.names(data).stream()
          .filter(name -> name.startsWith(".") && name.endsWith(".tmp")).toList();
      midWrite += left.size() > temporaries ? 1 : 0;
      temporaries = left.size();
      for (Path shard : shards) {
        if (Files.exists(RecordIndex.sidecarOf(shard))) {
          RecordIndex loaded = RecordIndex.loadBeside(shard);
          RecordIndex fresh = RecordIndex.build(shard);
          assertThat(loaded.count()).as("%s after kill %s", shard, child).isEqualTo(fresh.count());
          for (long record = 0; record < fresh.count(); record++) {
            assertThat(loaded.offset(record)).isEqualTo(fresh.offset(record));
            assertThat(loaded.length(record)).isEqualTo(fresh.length(record));
          }
        }
      }
      midRebuild += shards.stream()
          .anyMatch(shard -> !Files.exists(RecordIndex.sidecarOf(shard))) ? 1 : 0;
      assertThat(digests(config, data)).as("the run after kill %s", child).isEqualTo(expected);
    }
    System.out.println("IndexKillTest: " + kills + " kills, " + midRebuild + " of them with"
        + " indexes being rebuilt (one or more missing), " + midWrite + " inside a sidecar's"
        + " write (its temporary left)");
    assertThat(midRebuild).as("kills that landed while indexes were rebuilt").isPositive();
  }

  private List<String> digests(Path config, Path data) throws IOException {
    Path log = dir.resolve("digests.txt");
    Cli.Outcome run = Cli.run("run", config.toString(), "--set",
        "source.tfrecord.files.0=" + data, "--digest-log", log.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    return Files.readAllLines(log);
  }
}
