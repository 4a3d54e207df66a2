package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.Dataset;
import dev.ingest.runtime.IdRecords.CachedRun;
import dev.ingest.testing.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Kills, one after another, child JVMs that run a cached pipeline over the same cache, each at a
 * seeded random moment: after a random number of its progress lines ({@link
 * CacheFillChild#PROGRESS}) and a random delay, or at a random moment of its start. Every child
 * is the run after the kill before it, so each of its batches is checked against the batches of
 * no cache as it comes; and after each kill, a cache the kill left complete (its manifest
 * written) must be read whole and exact. A cache half written and taken for whole would fail
 * both. A kill that left a fill half done leaves it to the next child (which may be killed in
 * turn); one that left the cache complete is followed by a child that fills a new one.
 *
 * <p>How many kills and the seed come from {@code -Dingest.kills} and {@code -Dingest.kills.seed}
 * (a script runs many more than the build does).
 */
final class CacheKills {
  /** Kills per test in the build: dozens, within about half a minute on two cores. */
  static final int KILLS = Integer.getInteger("ingest.kills", 12);
  static final long SEED = Long.getLong("ingest.kills.seed", 24);
  /**
   * The busy time a child spends on each batch, so that the fill (on the source's thread, a few
   * rings ahead of the consumer) spans many of the lines a kill is chosen after, instead of
   * being over before the parent has read the first of them.
   */
  private static final int CHILD_BATCH_MICROS = 300;
  /** A kill lands up to this long after its line: a few batches of a child's run later. */
  private static final long MAX_DELAY_NANOS = 3_000_000;
  /** A kill while the pipeline starts lands up to this long after the child says it starts. */
  private static final long MAX_START_DELAY_NANOS = 600_000_000;

  /**
   * What the kills left.
   *
   * @param kills children killed (the others ended by themselves first)
   * @param midFill kills that left a fill behind: half-written files, or the mark of a fill
   * @param complete kills that left a complete cache, then read whole and exact
   */
  record Tally(int kills, int midFill, int complete) {
    @Override
    public String toString() {
      return kills + " kills: " + midFill + " mid-fill, " + complete
          + " after the cache was complete";
    }
  }

  private CacheKills() {}

  /**
   * Runs {@code children} children of {@code child} with the JVM flags {@code flags} and {@code
   * args}, killing each at a random moment, over the cache at {@code prefix}.
   *
   * @param expected the digests of every batch of the pipeline without a cache
   * @param inProcess the same cached pipeline, run here after the last kill
   * @param readsTheWholeCache runs the cached pipeline here and checks that its batches are
   *     {@code expected}, all from the cache (given what to call that run in a failure)
   */
  static Tally run(Class<?> child, List<String> flags, List<String> args, String prefix,
      List<String> expected, Supplier<Dataset> inProcess, Consumer<String> readsTheWholeCache,
      int children, long seed) throws IOException {
    Random random = new Random(seed);
    int kills = 0;
    int midFill = 0;
    int complete = 0;
    for (int run = 0; run < children; run++) {
      // Half the kills land while the pipeline starts (a cache filled first fills then), the
      // others after a batch.
      boolean whileStarting = random.nextBoolean();
      int lines = whileStarting ? 1 : 2 + random.nextInt(expected.size());
      long delay = (long) (random.nextDouble()
          * (whileStarting ? MAX_START_DELAY_NANOS : MAX_DELAY_NANOS));
      List<String> childFlags = new ArrayList<>(flags);
      childFlags.add("-D" + CacheFillChild.BATCH_MICROS + "=" + CHILD_BATCH_MICROS);
      Process process = ChildJvm.start(child, childFlags, args.toArray(String[]::new));
      ChildJvm.Ended ended = ChildJvm.killAfter(process, CacheFillChild.PROGRESS, lines, delay);

      List<String> printed = ended.marked(CacheFillChild.BATCH);
      assertThat(printed).as("child %s (seed %s), killed after %s lines: its batches", run, seed,
          lines).isEqualTo(expected.subList(0, Math.min(printed.size(), expected.size())));
      if (!ended.killed()) {
        assertThat(ended.exitCode()).as("child %s ended by itself: %s", run, ended.lines())
            .isZero();
        assertThat(printed).as("child %s ended by itself", run).isEqualTo(expected);
        continue;
      }
      kills++;
      List<String> names = ChildJvm.names(prefix);
      String name = Path.of(prefix).getFileName().toString();
      if (names.contains(name + ".manifest")) {
        complete++;
        readsTheWholeCache.accept("the run after kill " + run);
        // A complete cache is never filled again: the next child starts a fill of its own.
        deleteFolder(Path.of(prefix).getParent());
      } else if (names.stream().anyMatch(file -> file.contains(".tmp-") || file.contains(".part-")
          || file.endsWith(".filling"))) {
        midFill++;
      }
    }
    // The run after the last kill: exact, and it completes the cache.
    CachedRun next = IdRecords.runCountingCache(inProcess.get());
    assertThat(next.digests()).as("the run after the last kill").isEqualTo(expected);
    assertThat(Files.exists(Path.of(prefix + ".manifest"))).isTrue();
    assertThat(ChildJvm.names(prefix)).as("after the run after the last kill")
        .noneMatch(file -> file.contains(".tmp-") || file.endsWith(".filling"));
    readsTheWholeCache.accept("the second run after the last kill");
    return new Tally(kills, midFill, complete);
  }

  private static void deleteFolder(Path folder) throws IOException {
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }
}
