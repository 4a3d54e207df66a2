package dev.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link ShufflePositions}: positions come back as written, in the varint form states store
 * (unchanged from the arrays checkpoints held before), unsorted ones are refused, and a damaged
 * stored form fails when parsed.
 */
class ShufflePositionsTest {
  /** Sorted positions over a few files: offsets rising in each, indexes never falling. */
  private static long[][] sortedPositions(SplittableRandom random, int count) {
    long[][] positions = new long[3][count];
    int file = random.nextInt(3);
    long offset = random.nextLong(1L << 40);
    long index = random.nextLong(1_000_000);
    for (int i = 0; i < count; i++) {
      if (random.nextInt(50) == 0) {
        file += 1 + random.nextInt(3);
        offset = random.nextLong(100_000);
        index = random.nextLong(1_000);
      } else if (i > 0) {
        offset += 1 + random.nextLong(random.nextBoolean() ? 300 : 1L << 30);
        index += random.nextInt(3);
      }
      positions[0][i] = file;
      positions[1][i] = offset;
      positions[2][i] = index;
    }
    return positions;
  }

  @Test
  void positionsComeBackAsWrittenAndParseFromTheirStoredForm() {
    SplittableRandom random = new SplittableRandom(4);
    ShufflePositions.Writer writer = new ShufflePositions.Writer();
    for (int count : new int[] {1, 2, 37, 2000, 10_000}) {
      long[][] expected = sortedPositions(random, count);
      for (int i = 0; i < count; i++) {
        writer.add((int) expected[0][i], expected[1][i], expected[2][i]);
      }
      // The same writer each time: finish() must start it over.
      ShufflePositions positions = writer.finish();
      ShufflePositions parsed = ShufflePositions.parse(count, positions.varints());
      for (ShufflePositions read : new ShufflePositions[] {positions, parsed}) {
        assertThat(read.size()).isEqualTo(count);
        for (int i = 0; i < count; i++) {
          assertThat(read.file(i)).isEqualTo(expected[0][i]);
          assertThat(read.offset(i)).isEqualTo(expected[1][i]);
          assertThat(read.index(i)).isEqualTo(expected[2][i]);
        }
      }
      assertThat(parsed).isEqualTo(positions).hasSameHashCodeAs(positions);
    }
    assertThat(writer.finish()).isSameAs(ShufflePositions.NONE);
  }

  @Test
  void storedFormIsTheFileDeltaThenOffsetAndIndexDeltasWithinAFile() {
    ShufflePositions positions = ShufflePositions.of(
        new int[] {0, 0, 2}, new long[] {100, 300, 5}, new long[] {0, 2, 1});
    assertThat(positions.varints()).containsExactly(
        0x00, 0x64, 0x00, // file 0, offset 100, index 0
        0x00, 0xC8, 0x01, 0x02, // same file: offset +200 (two bytes), index +2
        0x02, 0x05, 0x01); // file +2: offset 5 and index 1, absolute
  }

  @Test
  void positionsOutOfOrderAreRefused() {
    ShufflePositions.Writer writer = new ShufflePositions.Writer();
    writer.add(1, 500, 5);
    assertThatThrownBy(() -> writer.add(0, 900, 9)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(file 0, offset 900, index 9) is not after (file 1, offset 500");
    assertThatThrownBy(() -> writer.add(1, 500, 6)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> writer.add(1, 600, 4)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> writer.add(2, -1, 0)).isInstanceOf(IllegalArgumentException.class);
    writer.add(2, 0, 0); // a later file may start anywhere
    assertThat(writer.finish().size()).isEqualTo(2);
    assertThatThrownBy(() -> ShufflePositions.of(new int[2], new long[2], new long[1]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void damagedStoredFormsFailWhenParsed() {
    byte[] stored = ShufflePositions.of(
        new int[] {0, 0}, new long[] {100, 300}, new long[] {0, 2}).varints();
    assertThatThrownBy(() -> ShufflePositions.parse(2, Arrays.copyOf(stored, stored.length - 1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("end in the middle");
    assertThatThrownBy(() -> ShufflePositions.parse(1, stored))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hold 4 bytes more than 1 records need");
    byte[] endless = new byte[12];
    Arrays.fill(endless, (byte) 0x80);
    assertThatThrownBy(() -> ShufflePositions.parse(1, endless))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("malformed number");
  }

  @Test
  void checkpointsFromArraysOrPositionsAreEqualAndStoreTheSameLine() {
    int[] files = {0, 0, 3};
    long[] offsets = {16, 4_000_000, 12};
    long[] indexes = {1, 1_300, 4};
    SourceCheckpoint fromArrays = new SourceCheckpoint(2, 7, "abcd", 5, 1, 3, 0,
        new int[] {4, -1}, new long[] {99, 0}, new long[] {2, 0}, 42, files, offsets, indexes);
    SourceCheckpoint fromPositions = new SourceCheckpoint(2, 7, "abcd", 5, 1, 3, 0,
        new int[] {4, -1}, new long[] {99, 0}, new long[] {2, 0}, 42,
        ShufflePositions.of(files, offsets, indexes));
    assertThat(fromPositions).isEqualTo(fromArrays).hasSameHashCodeAs(fromArrays);
    assertThat(fromPositions.shuffleLine()).isEqualTo(fromArrays.shuffleLine());
    SourceCheckpoint parsed = SourceCheckpoint.parse(fromArrays.headerLine(),
        fromArrays.interleaveLine(), fromArrays.cycleLine(), "42", fromArrays.shuffleLine());
    assertThat(parsed).isEqualTo(fromArrays);
    assertThat(parsed.shuffledOffset(1)).isEqualTo(4_000_000);
    assertThat(parsed.shuffledIndex(2)).isEqualTo(4);
  }
}
