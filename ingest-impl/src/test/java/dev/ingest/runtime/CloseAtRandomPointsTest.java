package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import dev.ingest.Dataset;
import dev.ingest.IngestException;
import dev.ingest.PipelineOptions;
import dev.ingest.Row;
import dev.ingest.RowMapper;
import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code close()} at a thousand random points of a thousand random pipelines (shuffled, mapped,
 * batched, cached in memory or in files, some under the autotuner, some with a map that fails
 * at a random record): right after the start, after a random number of batches, after the end,
 * after a failure surfaced, with a batch prepared inside the iterator, or holding batches that
 * are closed after it. After every close no pipeline thread is alive and no buffer of Netty's
 * allocator is still counted as in use.
 *
 * <p>Buffers are counted exactly, not left to the garbage collector: each point's consumer runs
 * on a fresh {@link FastThreadLocalThread}, which gives its allocator cache back when it ends, as
 * the pipeline's own threads do, so the allocator's active allocations after a point are those
 * before it unless something leaked (a batch left unreleased in one point fails it). The Netty
 * leak guard, at PARANOID, also runs after the class.
 */
class CloseAtRandomPointsTest {
  private static final int POINTS = Integer.getInteger("ingest.closePoints", 1000);
  private static final long SEED = Long.getLong("ingest.closePoints.seed", 24);
  private static final int[] RECORDS_PER_FILE = {40, 30, 50};

  @TempDir static Path dir;
  static Path sources;
  static int total;

  @BeforeAll
  static void write() throws IOException {
    sources = dir.resolve("sources");
    total = IdRecords.write(sources, RECORDS_PER_FILE);
  }

  @AfterEach
  void noPipelineThreadOutlivesItsTest() throws InterruptedException {
    assertThat(IdRecords.ingestThreadsAliveAfter(10_000)).isEmpty();
  }

  /** Where a point closes its iterator. */
  enum Moment { AT_START, AFTER_SOME, AT_THE_END, AFTER_HAS_NEXT, HOLDING_BATCHES }

  /** A map that throws at one record, so that the close comes during or after a failure. */
  private record FailingAt(long id) implements RowMapper {
    @Override
    public void apply(Row row) {
      if (row.getLong("id", 0) == id) {
        throw new IllegalStateException("the map fails at record " + id);
      }
    }
  }

  @Test
  void closingAtAThousandRandomPointsLeavesNoThreadAndNoBuffer() {
    int[] moments = new int[Moment.values().length];
    int[] failures = {0};
    assertTimeoutPreemptively(Duration.ofMinutes(4), () -> {
      onFreshThread(() -> runPoint(new Random(SEED - 1), -1)); // the allocator and classes warm
      for (int point = 0; point < POINTS; point++) {
        Random random = new Random(SEED + point);
        long before = activeAllocations();
        int index = point;
        AtomicReference<Moment> moment = new AtomicReference<>();
        onFreshThread(() -> {
          Moment closedAt = runPoint(random, index);
          moment.set(closedAt);
          if (closedAt == null) {
            failures[0]++;
          } else {
            moments[closedAt.ordinal()]++;
          }
        });
        assertThat(IdRecords.liveIngestThreads()).as("threads after point %s", point).isEmpty();
        assertThat(activeAllocations()).as("buffers in use after point %s (%s)", point,
            moment.get()).isLessThanOrEqualTo(before);
      }
    });
    System.out.println("CloseAtRandomPointsTest: " + POINTS + " points; closed "
        + java.util.Arrays.toString(Moment.values()) + " " + java.util.Arrays.toString(moments)
        + ", after a failure " + failures[0]);
  }

  /**
   * Builds a random pipeline, iterates it to a random point and closes it; returns where it
   * closed, or {@code null} when it closed after a failure surfaced.
   */
  private static Moment runPoint(Random random, int point) {
    Dataset pipeline = pipeline(random, point);
    Moment moment = Moment.values()[random.nextInt(Moment.values().length)];
    List<Batch> held = new ArrayList<>();
    BatchIterator iterator = pipeline.iterator();
    try {
      switch (moment) {
        case AT_START -> { }
        case AFTER_SOME -> {
          int k = random.nextInt(2 * total / 4 + 1);
          for (int i = 0; i < k && iterator.hasNext(); i++) {
            iterator.next().close();
          }
        }
        case AT_THE_END -> {
          while (iterator.hasNext()) {
            iterator.next().close();
          }
        }
        case AFTER_HAS_NEXT -> {
          int k = random.nextInt(8);
          for (int i = 0; i < k && iterator.hasNext(); i++) {
            iterator.next().close();
          }
          iterator.hasNext();
        }
        case HOLDING_BATCHES -> {
          int k = random.nextInt(8);
          for (int i = 0; i < k && iterator.hasNext(); i++) {
            Batch batch = iterator.next();
            if (random.nextBoolean()) {
              held.add(batch);
            } else {
              batch.close();
            }
          }
        }
      }
    } catch (IngestException failure) {
      assertThat(failure).hasRootCauseMessage("the map fails at record " + failureId(point));
      moment = null;
    } finally {
      iterator.close();
    }
    assertThat(IdRecords.liveIngestThreads()).as("threads right after close, point %s", point)
        .isEmpty();
    for (Batch batch : held) {
      // Still the owner's after close: readable, then given back.
      assertThat(IdRecords.ids(batch)).allMatch(id -> id >= 0 && id < total);
      batch.close();
    }
    return moment;
  }

  private static Dataset pipeline(Random random, int point) {
    Dataset pipeline = Dataset.tfrecord(sources.toString());
    int cache = random.nextInt(8);
    if (cache == 0) {
      // Records kept in files, over a few prefixes: fills closed midway, then read whole.
      pipeline = pipeline.cache(dir.resolve("cache").resolve("records-" + random.nextInt(3))
          .toString());
    }
    pipeline = pipeline.parseExample(IdRecords.SPEC)
        .interleave(1 + random.nextInt(3), 1 + random.nextInt(4), random.nextInt(3));
    if (cache == 1) {
      pipeline = pipeline.cache(); // parsed rows kept in memory
    }
    if (random.nextInt(4) == 0) {
      pipeline = pipeline.map("fails", new FailingAt(failureId(point)));
    } else {
      pipeline = pipeline.map("doubles", row -> row.setLong("payload", 0,
          row.getLong("payload", 0)));
    }
    if (random.nextInt(5) == 0) {
      pipeline = pipeline.filter(row -> row.getLong("id", 0) % 3 != 0);
    }
    boolean auto = random.nextInt(4) == 0;
    pipeline = pipeline.shuffle(1 + random.nextInt(60))
        .batch(1 + random.nextInt(8), random.nextBoolean())
        .prefetch(auto ? Dataset.AUTO : 1 + random.nextInt(3))
        .repeat(1 + random.nextInt(2));
    PipelineOptions options = PipelineOptions.defaults().withSeed(point)
        .withThreads(auto ? Dataset.AUTO : 1 + random.nextInt(3))
        .withDeterministic(random.nextInt(4) != 0);
    return pipeline.withOptions(options);
  }

  /** The record a failing map fails at, in point {@code point}: anywhere in the first epoch. */
  private static long failureId(int point) {
    return Math.floorMod(point * 37L, (long) RECORDS_PER_FILE[0] + RECORDS_PER_FILE[1]
        + RECORDS_PER_FILE[2]);
  }

  /** Runs {@code body} on a new thread whose allocator cache goes back when it ends. */
  private static void onFreshThread(Runnable body) throws Throwable {
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread thread = new FastThreadLocalThread(() -> {
      try {
        body.run();
      } catch (Throwable t) {
        thrown.set(t);
      }
    }, "close-point");
    thread.start();
    thread.join();
    if (thrown.get() != null) {
      throw thrown.get();
    }
  }

  /** Buffers Netty's default allocator counts as in use (thread caches count too). */
  private static long activeAllocations() {
    long active = 0;
    for (PoolArenaMetric arena : PooledByteBufAllocator.DEFAULT.metric().directArenas()) {
      active += arena.numActiveAllocations();
    }
    for (PoolArenaMetric arena : PooledByteBufAllocator.DEFAULT.metric().heapArenas()) {
      active += arena.numActiveAllocations();
    }
    return active;
  }
}
