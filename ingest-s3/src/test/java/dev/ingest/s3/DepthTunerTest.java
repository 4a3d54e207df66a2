package dev.ingest.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DepthTunerTest {
  private static final long MS = 1_000_000;

  @Test
  void aFixedDepthNeverMoves() {
    DepthTuner tuner = new DepthTuner(5, 5, false);
    tuner.onBlockArrived(100 * MS);
    tuner.onBlockConsumed(MS);
    tuner.onReaderWaited();
    assertThat(tuner.depth()).isEqualTo(5);
  }

  @Test
  void anAdaptiveDepthStartsAtTwoAndDoublesWhileItKnowsNothing() {
    DepthTuner tuner = new DepthTuner(0, 16, true);
    assertThat(tuner.depth()).isEqualTo(DepthTuner.AUTO_START);
    tuner.onReaderWaited();
    assertThat(tuner.depth()).isEqualTo(4);
    tuner.onReaderWaited();
    tuner.onReaderWaited();
    tuner.onReaderWaited();
    assertThat(tuner.depth()).as("capped").isEqualTo(16);
  }

  @Test
  void aTunerStartsWhereTheDeepestOfItsFileSystemGrewTo() {
    AtomicInteger learned = new AtomicInteger();
    DepthTuner first = new DepthTuner(0, 16, true, learned);
    first.onReaderWaited();
    first.onReaderWaited();
    assertThat(first.depth()).isEqualTo(8);
    assertThat(new DepthTuner(0, 16, true, learned).depth()).isEqualTo(8);
    // Capped by its own maximum, and a fixed depth ignores it.
    assertThat(new DepthTuner(0, 4, true, learned).depth()).isEqualTo(4);
    assertThat(new DepthTuner(3, 16, false, learned).depth()).isEqualTo(3);
    // A shallower tuner does not lower what was learnt.
    new DepthTuner(0, 4, true, learned).onReaderWaited();
    assertThat(learned.get()).isEqualTo(8);
  }

  @Test
  void waitsMoveTheDepthTowardLittlesLawAtMostDoublingAndAtLeastByOne() {
    DepthTuner tuner = new DepthTuner(0, 64, true);
    // A block takes 100 ms to arrive and the reader spends 10 ms on one: 10 in flight cover the
    // latency, one more for the block being read.
    tuner.onBlockArrived(100 * MS);
    tuner.onBlockConsumed(10 * MS);
    tuner.onReaderWaited();
    assertThat(tuner.depth()).as("at most double").isEqualTo(4);
    tuner.onReaderWaited();
    assertThat(tuner.depth()).isEqualTo(8);
    tuner.onReaderWaited();
    assertThat(tuner.depth()).as("the estimate").isEqualTo(11);
    tuner.onReaderWaited();
    assertThat(tuner.depth()).as("a wait past the estimate still grows it").isEqualTo(12);
  }

  @Test
  void aFastStoreAndASlowReaderGrowByOneOnly() {
    DepthTuner tuner = new DepthTuner(0, 16, true);
    tuner.onBlockArrived(MS);
    tuner.onBlockConsumed(50 * MS);
    tuner.onReaderWaited();
    assertThat(tuner.depth()).isEqualTo(3);
  }
}
