package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.PipelineState;
import dev.ingest.SourceCheckpoint;
import org.junit.jupiter.api.Test;

class BatchPositionTest {
  private static SourceCheckpoint checkpointIn(long epoch, long unitInEpoch) {
    return new SourceCheckpoint(epoch, unitInEpoch, "abcd", 1, 0, 0, 0, new int[] {0},
        new long[] {0}, new long[] {0}, 0, new int[0], new long[0], new long[0]);
  }

  @Test
  void aUnitWithoutACheckpointKeepsTheLastOneInEffect() {
    SourceCheckpoint resumedFrom = checkpointIn(0, 0);
    BatchPosition ready = new BatchPosition(0, resumedFrom);

    ready.advanceTo(0, 0, null, 32);
    assertThat(ready.checkpoint()).isSameAs(resumedFrom);

    SourceCheckpoint taken = checkpointIn(0, 4);
    ready.advanceTo(0, 4, taken, 0);
    ready.advanceTo(0, 5, null, 64);

    assertThat(ready.checkpoint()).isSameAs(taken);
    assertThat(ready.batchInEpoch()).isEqualTo(5);
    assertThat(ready.rowsAfterCheckpoint()).isEqualTo(64);
  }

  @Test
  void theHandedPositionMovesOnlyWhenTheReadyOneIsCopiedIntoIt() {
    BatchPosition ready = new BatchPosition(0, null);
    BatchPosition handed = new BatchPosition(-1, null);
    SourceCheckpoint taken = checkpointIn(1, 2);

    ready.advanceTo(1, 3, taken, 96);
    assertThat(handed.epoch()).isEqualTo(-1);

    handed.copyFrom(ready);
    ready.advanceTo(2, 0, checkpointIn(2, 0), 0);

    assertThat(handed.toState("spec", 9))
        .isEqualTo(new PipelineState("spec", 1, 3, 9, taken, 96));
  }
}
