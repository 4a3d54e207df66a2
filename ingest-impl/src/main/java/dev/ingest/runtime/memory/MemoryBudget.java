package dev.ingest.runtime.memory;

import dev.ingest.MemoryBudgetException;
import dev.ingest.PipelineOptions;
import dev.ingest.runtime.concurrent.Backoff;
import dev.ingest.runtime.metrics.StageClock;
import io.netty.util.internal.PlatformDependent;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The bytes a pipeline holds in flight, against its budget: records the source has copied
 * (staged for parsing, or waiting in the shuffle buffer) and parsed batches the consumer has not
 * taken yet. Only the source waits for room; the stages downstream of it only give bytes back or
 * swap an estimate for the true size, so waiting can never close a cycle.
 *
 * <pre>
 *   source:  acquire(record)            ── staged or shuffled bytes
 *            acquire(parsed estimate)   ── when it publishes a unit
 *   worker:  adjust(parsed - estimate - staged)   (the arena is free again)
 *   consumer / batch stage: release(what the unit holds)
 * </pre>
 *
 * A batch is parsed after its bytes were reserved, so its reservation is an estimate: the
 * largest ratio of parsed to serialized bytes seen so far (4 before the first batch). A batch
 * larger than that estimate can take the count over the budget by its difference, once; the peak
 * ({@link #peak()}) shows it.
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * {@link #acquire} is called by the source thread only; the other methods by any thread. Counts
 * are atomic; the limit is checked against the count of the moment (a release racing with the
 * check only makes the source wait one more round).
 */
public final class MemoryBudget {
  private static final double FIRST_PARSED_RATIO = 4.0;

  private final long limit;
  private final AtomicLong used = new AtomicLong();
  private final AtomicLong peak = new AtomicLong();
  /** Bytes of {@link #used} held for the pipeline's life (a cache of rows): never given back. */
  private final AtomicLong heldForLife = new AtomicLong();
  private volatile double parsedRatio = FIRST_PARSED_RATIO;
  private boolean ratioMeasured;

  MemoryBudget(long limit) {
    this.limit = limit;
  }

  /** The budget {@code options} asks for: its bytes, or the automatic share of direct memory. */
  public static MemoryBudget of(PipelineOptions options) {
    long bytes = options.memoryBudget() > 0 ? options.memoryBudget()
        : (long) (PlatformDependent.maxDirectMemory() * PipelineOptions.AUTO_MEMORY_BUDGET_FRACTION);
    return new MemoryBudget(Math.max(bytes, 1));
  }

  public long limit() {
    return limit;
  }

  /** Bytes in flight now. */
  public long used() {
    return used.get();
  }

  /** The most bytes ever in flight at once. */
  public long peak() {
    return peak.get();
  }

  /**
   * Reserves {@code bytes}, waiting while they would take the count over the limit. When nothing
   * else is in flight (so nothing will free room) it takes what is left of the budget if that
   * covers {@code minimum}: an estimate may be generous, and the truth replaces it later.
   *
   * @param minimum the part of {@code bytes} that must fit (the bytes known for certain)
   * @param ownBytes bytes of the count that only the caller will give back (its shuffle buffer and
   *     the batch it is staging)
   * @return the bytes reserved, or -1 if the pipeline shut down while waiting
   * @throws MemoryBudgetException when {@code minimum} cannot fit even with nothing else in flight
   */
  public long acquire(long bytes, long minimum, long ownBytes, String what, BooleanSupplier halted,
      Backoff backoff, StageClock clock) {
    long waitStart = 0;
    try {
      while (used.get() + bytes > limit) {
        if (used.get() - ownBytes - heldForLife.get() <= 0) {
          if (used.get() + minimum > limit) {
            long cached = heldForLife.get();
            throw new MemoryBudgetException("the memory budget of " + limit + " bytes cannot hold "
                + what + ": " + (ownBytes + minimum) + " bytes with nothing else in flight"
                + (cached > 0 ? " but the cache's " + cached + " bytes" : "") + "; raise"
                + " options.memory_budget, or lower batch_size or the shuffle buffer_size");
          }
          // Never more than asked: the caller counts what it asked for as its own, and a release
          // racing with this look could leave more room than the loop saw.
          bytes = Math.min(bytes, Math.max(minimum, limit - used.get()));
          break;
        }
        if (halted.getAsBoolean()) {
          return -1;
        }
        if (waitStart == 0) {
          waitStart = System.nanoTime();
        }
        backoff.idle();
      }
    } finally {
      if (waitStart != 0) {
        clock.addOutputWait(System.nanoTime() - waitStart);
        backoff.reset();
      }
    }
    add(bytes);
    return bytes;
  }

  /**
   * Counts bytes a stage holds for the pipeline's life (a cache): the source never waits for them
   * to come back, so a budget they fill fails instead of waiting forever.
   */
  public void holdForLife(long bytes) {
    // The count first: the source, seeing it before the held bytes, waits one more round rather
    // than take room that is gone.
    add(bytes);
    heldForLife.addAndGet(bytes);
  }

  /** Gives back bytes {@link #holdForLife} counted, when the pipeline ends. */
  public void releaseHeldForLife(long bytes) {
    heldForLife.addAndGet(-bytes);
    release(bytes);
  }

  /** Gives bytes back. */
  public void release(long bytes) {
    used.addAndGet(-bytes);
  }

  /** Changes the count by {@code delta} without waiting: an estimate swapped for the truth. */
  public void adjust(long delta) {
    add(delta);
  }

  /** The bytes to reserve for parsing {@code serializedBytes} of records. */
  public long parsedEstimate(long serializedBytes) {
    return (long) Math.ceil(serializedBytes * parsedRatio);
  }

  /** Learns from a parsed batch: the estimate becomes the largest ratio seen. */
  public void observeParsed(long serializedBytes, long parsedBytes) {
    if (serializedBytes <= 0) {
      return;
    }
    double ratio = (double) parsedBytes / serializedBytes;
    synchronized (this) {
      // Off the per-record path: once per batch, from the workers.
      if (!ratioMeasured || ratio > parsedRatio) {
        parsedRatio = ratio;
        ratioMeasured = true;
      }
    }
  }

  private void add(long bytes) {
    long now = used.addAndGet(bytes);
    peak.accumulateAndGet(now, Math::max);
  }
}
