package dev.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.testing.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ingest gen} killed for real at random moments ({@link GenChild} runs it into the same
 * folder again and again; the parent kills it after a seeded random number of runs and a seeded
 * random delay). After every kill, each shard a reader would take (a visible file of the folder)
 * is byte for byte the shard an uninterrupted run writes: a half-written shard is only ever a
 * hidden temporary, which readers of a folder or a glob pass over. The gen after the last kill
 * writes exactly the same shards.
 */
class GenKillTest {
  /** A kill lands up to this long after its line: within a run or two of the child's. */
  private static final long MAX_DELAY_NANOS = 60_000_000;

  @TempDir Path dir;

  @Test
  void killsAtRandomMomentsNeverLeaveAHalfShardInView() throws IOException {
    Path reference = dir.resolve("reference");
    assertThat(Cli.run(GenChild.gen(reference.toString())).exitCode()).isZero();
    List<String> shards = ChildJvm.names(reference);
    assertThat(shards).hasSize(4);
    Path out = dir.resolve("out");

    Random random = new Random(CliKills.SEED);
    int kills = 0;
    int midWrite = 0;
    int temporaries = 0;
    for (int child = 0; child < CliKills.KILLS; child++) {
      int lines = 1 + random.nextInt(3);
      long delay = (long) (random.nextDouble() * MAX_DELAY_NANOS);
      if (random.nextBoolean()) {
        // Half the children write into an empty folder, half over shards already there.
        deleteVisibleShards(out);
      }
      ChildJvm.Ended ended = ChildJvm.killAfter(ChildJvm.start(GenChild.class, List.of(),
          out.toString()), GenChild.PROGRESS, lines, delay);
      assertThat(ended.killed()).as("child %s: %s", child, ended.lines()).isTrue();
      kills++;

      List<String> names = ChildJvm.names(out);
      List<String> left = names.stream().filter(GenKillTest::temporary).toList();
      midWrite += left.size() > temporaries ? 1 : 0;
      temporaries = left.size();
      for (String name : names.stream().filter(name -> !name.startsWith(".")).toList()) {
        assertThat(shards).as("after kill %s", child).contains(name);
        assertThat(Files.mismatch(out.resolve(name), reference.resolve(name)))
            .as("where %s differs from the whole shard after kill %s", name, child)
            .isEqualTo(-1L);
      }
    }

    assertThat(Cli.run(GenChild.gen(out.toString())).exitCode()).isZero();
    for (String name : shards) {
      assertThat(Files.mismatch(out.resolve(name), reference.resolve(name)))
          .as("where %s differs from the whole shard after the last gen", name).isEqualTo(-1L);
    }
    System.out.println("GenKillTest: " + kills + " kills, " + midWrite
        + " of them with shards being written");
    assertThat(kills).as("children killed before they ended").isPositive();
  }

  /** A shard being written: hidden, named after the shard, ending in {@code .tmp}. */
  private static boolean temporary(String name) {
    return name.startsWith(".part-") && name.endsWith(".tmp");
  }

  private static void deleteVisibleShards(Path out) throws IOException {
    for (String name : ChildJvm.names(out)) {
      if (!name.startsWith(".")) {
        Files.delete(out.resolve(name));
      }
    }
  }
}
