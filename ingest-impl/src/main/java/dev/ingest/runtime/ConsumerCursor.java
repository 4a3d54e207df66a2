package dev.ingest.runtime;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;

/**
 * Which slot of the ring the consumer takes next, and how far the slots may be reused.
 *
 * <ul>
 *   <li><b>Deterministic</b> (the default): the next sequence, once its gate has passed it (the
 *       parse worker stamped on the unit as its owner, or the batch stage). Batches come out in
 *       ring order.
 *   <li><b>Unordered</b> ({@code deterministic: false}): the oldest published sequence whose own
 *       parse worker (the unit's {@link WorkUnit#owner}) has finished it, so a fast batch may pass
 *       a slow one. The end of the stream and failures are still taken in order, so no batch is
 *       lost behind them. Slots are handed back to the source in order: the consumed sequence
 *       moves over the run of taken slots.
 * </ul>
 *
 * <pre>
 *   consumed ─┐   taken: . X . X X      (X: taken out of order)
 *             ▼   seq:   5 6 7 8 9      → takes 5 when its owner finishes it; consumed → 6
 * </pre>
 *
 * <p>The owner is read only after the ring's cursor (an acquire read) shows the unit published,
 * so the stamp read is this unit's, not the slot's previous one; a stale stamp could name a
 * worker that has merely passed the unit. The other workers may still be passing a taken unit:
 * they gate the ring too, so its slot is not reused under them.
 *
 * <p>Confined to the consumer thread; the consumed sequence it sets gates the source.
 */
final class ConsumerCursor {
  private final RingBuffer<WorkUnit> ring;
  private final Sequence[] gates;
  private final Sequence consumed;
  private final boolean ordered;
  private final boolean[] taken;
  private final int mask;

  /**
   * @param gates the sequences that must pass a slot before it is taken: with one gate, that one;
   *     otherwise the gate of the unit's owner
   */
  ConsumerCursor(RingBuffer<WorkUnit> ring, Sequence[] gates, Sequence consumed, boolean ordered) {
    this.ring = ring;
    this.gates = gates;
    this.consumed = consumed;
    this.ordered = ordered || gates.length == 1;
    this.taken = new boolean[ring.getBufferSize()];
    this.mask = ring.getBufferSize() - 1;
  }

  /** The next sequence in order (the one the stream's end or a failure will have). */
  long next() {
    return consumed.get() + 1;
  }

  /** A sequence that is ready to take now, or -1 when none is. */
  long poll() {
    long next = next();
    if (gates.length == 1) {
      return gates[0].get() >= next ? next : -1;
    }
    long cursor = ring.getCursor();
    if (ordered) {
      return cursor >= next && gateOf(next).get() >= next ? next : -1;
    }
    for (long sequence = next; sequence <= cursor; sequence++) {
      if (taken[(int) (sequence & mask)] || gateOf(sequence).get() < sequence) {
        continue;
      }
      WorkUnit unit = ring.get(sequence);
      if ((unit.end || unit.error != null) && sequence != next) {
        continue; // the end, or a failure, waits for every batch before it
      }
      return sequence;
    }
    return -1;
  }

  /** The gate of a published unit: its owner's sequence. */
  private Sequence gateOf(long sequence) {
    return gates[ring.get(sequence).owner];
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
