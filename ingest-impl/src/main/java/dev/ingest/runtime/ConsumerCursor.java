package dev.ingest.runtime;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import dev.ingest.runtime.stage.WorkUnit;

/**
 * Which slot of the ring the consumer takes next, and how far the slots may be reused.
 *
 * <ul>
 *   <li><b>Deterministic</b> (the default): the next sequence, once it is ready (a parse worker
 *       stamped it finished, or the batch stage published it). Batches come out in ring order.
 *   <li><b>Unordered</b> ({@code deterministic: false}): the oldest published sequence that is
 *       ready, so a fast batch may pass a slow one. The end of the stream and failures are still
 *       taken in order, so no batch is lost behind them. Slots are handed back to the source in
 *       order: the consumed sequence moves over the run of taken slots.
 * </ul>
 *
 * <pre>
 *   consumed ─┐   taken: . X . X X      (X: taken out of order)
 *             ▼   seq:   5 6 7 8 9      → takes 5 once it is ready; consumed → 6
 * </pre>
 *
 * <p>Confined to the consumer thread; the consumed sequence it sets gates the source.
 */
final class ConsumerCursor {
  /** Whether a sequence of the ring is ready to take; read with acquire semantics. */
  interface Readiness {
    boolean isReady(long sequence);
  }

  private final RingBuffer<WorkUnit> ring;
  private final Readiness readiness;
  private final Sequence consumed;
  private final boolean ordered;
  private final boolean[] taken;
  private final int mask;

  ConsumerCursor(RingBuffer<WorkUnit> ring, Readiness readiness, Sequence consumed,
      boolean ordered) {
    this.ring = ring;
    this.readiness = readiness;
    this.consumed = consumed;
    this.ordered = ordered;
    this.taken = new boolean[ring.getBufferSize()];
    this.mask = ring.getBufferSize() - 1;
  }

  /** Ready once a parse worker stamped the unit finished (see {@link WorkUnit#finishedSequence}). */
  static Readiness parsed(RingBuffer<WorkUnit> ring) {
    return sequence -> ring.get(sequence).finishedSequence == sequence;
  }

  /** Ready once {@code gate} has passed the sequence (a stage that publishes in order). */
  static Readiness passed(Sequence gate) {
    return sequence -> gate.get() >= sequence;
  }

  /** The next sequence in order (the one the stream's end or a failure will have). */
  long next() {
    return consumed.get() + 1;
  }

  /** A sequence that is ready to take now, or -1 when none is. */
  long poll() {
    long next = next();
    if (ordered) {
      return readiness.isReady(next) ? next : -1;
    }
    long cursor = ring.getCursor();
    for (long sequence = next; sequence <= cursor; sequence++) {
      if (taken[(int) (sequence & mask)] || !readiness.isReady(sequence)) {
        continue;
      }
      WorkUnit unit = ring.get(sequence);
      if (unit.kind() != WorkUnit.Kind.BATCH && sequence != next) {
        continue; // the end, or a failure, waits for every batch before it
      }
      return sequence;
    }
    return -1;
  }

  /** Marks {@code sequence} taken; hands back the run of taken slots at the front. */
  void take(long sequence) {
    taken[(int) (sequence & mask)] = true;
    long front = consumed.get();
    while (taken[(int) ((front + 1) & mask)]) {
      taken[(int) ((front + 1) & mask)] = false;
      front++;
    }
    consumed.set(front);
  }
}
