package dev.ingest.runtime;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.util.Util;

/**
 * Which slot of the ring the consumer takes next, and how far the slots may be reused.
 *
 * <ul>
 *   <li><b>Deterministic</b> (the default): the next sequence, once every gate has passed it
 *       (each parse worker, or the batch stage). Batches come out in ring order.
 *   <li><b>Unordered</b> ({@code deterministic: false}): the oldest published sequence whose own
 *       parse worker (the one with index {@code s % N}) has finished it, so a fast batch may pass
 *       a slow one. The end of the stream and failures are still taken in order, so no batch is
 *       lost behind them. Slots are handed back to the source in order: the consumed sequence
 *       moves over the run of taken slots.
 * </ul>
 *
 * <pre>
 *   consumed ─┐   taken: . X . X X      (X: taken out of order)
 *             ▼   seq:   5 6 7 8 9      → takes 5 when worker 5 % N finishes it; consumed → 6
 * </pre>
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
   * @param gates the sequences that must pass a slot before it is taken: with one gate, or when
   *     {@code ordered}, all of them; otherwise gate {@code s % gates.length} for slot {@code s}
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
    if (ordered) {
      return Util.getMinimumSequence(gates) >= next ? next : -1;
    }
    long cursor = ring.getCursor();
    for (long sequence = next; sequence <= cursor; sequence++) {
      if (taken[(int) (sequence & mask)]
          || gates[(int) (sequence % gates.length)].get() < sequence) {
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
