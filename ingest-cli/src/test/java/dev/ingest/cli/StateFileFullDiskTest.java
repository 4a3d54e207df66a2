package dev.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ingest.PipelineState;
import dev.ingest.tfrecord.faults.FaultKind;
import dev.ingest.tfrecord.faults.FaultTally;
import dev.ingest.tfrecord.faults.FaultyDisk;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code --save-state} on a disk that fills up at every byte of the state: the write fails with
 * "No space left on device", leaves no {@code .partial} file, and leaves the state file as it was
 * before (absent, or the earlier state whole), never a half-written one.
 */
class StateFileFullDiskTest {
  private static final FaultTally TALLY = new FaultTally();
  private static final PipelineState EARLIER = new PipelineState("ab".repeat(32), 0, 3, 4);
  private static final PipelineState LATER = new PipelineState("ab".repeat(32), 2, 17, 60);

  @TempDir Path dir;

  @AfterEach
  void freeTheDisk() {
    TALLY.resetDisk();
  }

  @AfterAll
  static void reportTheFaultsInjected() {
    System.out.println(TALLY.report(StateFileFullDiskTest.class));
  }

  /** Every byte count the state could be cut at. */
  static IntStream spaceLeft() {
    return IntStream.range(0, LATER.toBytes().length);
  }

  @ParameterizedTest(name = "{0} bytes left")
  @MethodSource("spaceLeft")
  void aFullDiskLeavesNoStateFile(int bytesLeft) {
    Path state = FaultyDisk.path(dir.resolve("state"));
    FaultyDisk.diskFullAfter(bytesLeft);
    IOException failure = catchThrowableOfType(() -> StateFile.write(state, LATER),
        IOException.class);
    assertThat(failure).hasMessageContaining("No space left on device");
    assertThat(FaultyDisk.injected(FaultKind.DISK_FULL)).isOne();
    assertThat(dir).isEmptyDirectory();
  }

  @ParameterizedTest(name = "{0} bytes left")
  @MethodSource("spaceLeft")
  void aFullDiskLeavesTheEarlierStateWhole(int bytesLeft) throws IOException {
    Path state = FaultyDisk.path(dir.resolve("state"));
    StateFile.write(state, EARLIER);
    FaultyDisk.diskFullAfter(bytesLeft);
    IOException failure = catchThrowableOfType(() -> StateFile.write(state, LATER),
        IOException.class);
    assertThat(failure).hasMessageContaining("No space left on device");
    assertThat(PipelineState.fromBytes(Files.readAllBytes(state))).isEqualTo(EARLIER);
    assertThat(Files.exists(StateFile.partial(state))).isFalse();
  }

  @Test
  void withRoomTheStateIsWrittenWhole() throws IOException {
    Path state = FaultyDisk.path(dir.resolve("state"));
    FaultyDisk.diskFullAfter(LATER.toBytes().length);
    StateFile.write(state, LATER);
    assertThat(PipelineState.fromBytes(Files.readAllBytes(state))).isEqualTo(LATER);
    assertThat(Files.exists(StateFile.partial(state))).isFalse();
  }
}
