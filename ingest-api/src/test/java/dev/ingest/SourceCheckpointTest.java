package dev.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SourceCheckpointTest {

  @Test
  void changingTheCallersArraysAfterwardsLeavesTheCheckpointAsTaken() {
    int[] cycleFiles = {4, -1};
    long[] cycleOffsets = {99, 0};
    long[] cycleRecords = {2, 0};
    SourceCheckpoint checkpoint = new SourceCheckpoint(2, 7, "abcd", 5, 1, 3, 0, cycleFiles,
        cycleOffsets, cycleRecords, 42, ShufflePositions.NONE);
    String cycleLine = checkpoint.cycleLine();

    cycleFiles[0] = 9;
    cycleOffsets[0] = 1_000;
    cycleRecords[0] = 50;

    assertThat(checkpoint.cycleFile(0)).isEqualTo(4);
    assertThat(checkpoint.cycleOffset(0)).isEqualTo(99);
    assertThat(checkpoint.cycleRecords(0)).isEqualTo(2);
    assertThat(checkpoint.cycleLine()).isEqualTo(cycleLine).isEqualTo("4:99:2 -");
  }
}
