package dev.ingest;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Where a pipeline's source stood at one of its checkpoints: what a resumed pipeline needs to
 * start reading there instead of at the start of the epoch. The source takes one at the start of
 * every epoch and then, at the boundary of a unit of records, once every few shuffle buffers'
 * worth of records; a {@link PipelineState} names the last one before the position it saves.
 *
 * <p>It holds positions, never record bytes:
 *
 * <ul>
 *   <li>the interleave: the next file of the epoch's list to open, the cycle slot being read, the
 *       records taken from it in this block, the record-shard turn, and for every cycle slot its
 *       file (an index in the epoch's file list) with the byte offset of its next record and the
 *       records read before it;
 *   <li>the shuffle buffer: its random generator's state and, for every record it holds, the
 *       record's file, byte offset and index in that file, in the buffer's order. The source
 *       sorts its buffer by (file, offset) when it takes a checkpoint, in every run alike, so that
 *       order is the sorted one and the positions delta-encode to a few bytes each.
 * </ul>
 *
 * Offsets are in the decompressed stream of compressed files. {@link #filesDigest()} names the
 * shard's file list (names and sizes), so a state is refused when the files changed.
 */
public final class SourceCheckpoint {
  private final long epoch;
  private final long unitInEpoch;
  private final String filesDigest;
  private final int nextFile;
  private final int slot;
  private final int takenFromSlot;
  private final int shardTurn;
  private final int[] cycleFiles;
  private final long[] cycleOffsets;
  private final long[] cycleRecords;
  private final long shuffleRandom;
  private final ShufflePositions shuffled;

  /**
   * Takes ownership of the cycle's arrays; the shuffle buffer's positions are packed into {@link
   * ShufflePositions}.
   *
   * @param epoch the epoch being read
   * @param unitInEpoch units of records the source had formed in this epoch before this point
   * @param filesDigest digest of the shard's sorted file list, names and sizes
   * @param nextFile index in the epoch's file list of the next file the interleave opens
   * @param slot the cycle slot the interleave reads next
   * @param takenFromSlot records already taken from that slot in its current block
   * @param shardTurn position in the interleaved order modulo the record shards
   * @param cycleFiles per cycle slot, the file it reads (index in the epoch's list), or -1
   * @param cycleOffsets per cycle slot, the byte offset of the next record to read
   * @param cycleRecords per cycle slot, the records of the file read before that offset
   * @param shuffleRandom the shuffle generator's state (0 without a shuffle buffer)
   * @param shuffledFiles per buffered record, its file (index in the epoch's list)
   * @param shuffledOffsets per buffered record, its byte offset
   * @param shuffledIndexes per buffered record, its index in its file
   * @throws IllegalArgumentException when the arrays' lengths disagree, or the shuffled positions
   *     are not sorted by (file, offset), as the source sorts them
   */
  public SourceCheckpoint(long epoch, long unitInEpoch, String filesDigest, int nextFile, int slot,
      int takenFromSlot, int shardTurn, int[] cycleFiles, long[] cycleOffsets,
      long[] cycleRecords, long shuffleRandom, int[] shuffledFiles, long[] shuffledOffsets,
      long[] shuffledIndexes) {
    this(epoch, unitInEpoch, filesDigest, nextFile, slot, takenFromSlot, shardTurn, cycleFiles,
        cycleOffsets, cycleRecords, shuffleRandom,
        ShufflePositions.of(shuffledFiles, shuffledOffsets, shuffledIndexes));
  }

  /**
   * Takes ownership of the cycle's arrays (the runtime builds them fresh for each checkpoint),
   * with the shuffle buffer's record positions as {@link ShufflePositions}.
   *
   * @param shuffled per buffered record, its file, byte offset and index in the file, sorted
   * @see #SourceCheckpoint(long, long, String, int, int, int, int, int[], long[], long[], long,
   *     int[], long[], long[]) the other parameters
   */
  public SourceCheckpoint(long epoch, long unitInEpoch, String filesDigest, int nextFile, int slot,
      int takenFromSlot, int shardTurn, int[] cycleFiles, long[] cycleOffsets,
      long[] cycleRecords, long shuffleRandom, ShufflePositions shuffled) {
    this.epoch = epoch;
    this.unitInEpoch = unitInEpoch;
    this.filesDigest = Objects.requireNonNull(filesDigest, "filesDigest");
    this.nextFile = nextFile;
    this.slot = slot;
    this.takenFromSlot = takenFromSlot;
    this.shardTurn = shardTurn;
    this.cycleFiles = cycleFiles;
    this.cycleOffsets = cycleOffsets;
    this.cycleRecords = cycleRecords;
    this.shuffleRandom = shuffleRandom;
    this.shuffled = Objects.requireNonNull(shuffled, "shuffled");
    if (epoch < 0 || unitInEpoch < 0 || nextFile < 0 || slot < 0 || takenFromSlot < 0
        || shardTurn < 0 || cycleOffsets.length != cycleFiles.length
        || cycleRecords.length != cycleFiles.length
        || (cycleFiles.length > 0 && slot >= cycleFiles.length)) {
      throw new IllegalArgumentException("impossible checkpoint: epoch " + epoch + ", unit "
          + unitInEpoch + ", next file " + nextFile + ", slot " + slot + " of "
          + cycleFiles.length + ", taken " + takenFromSlot + ", shard turn " + shardTurn
          + ", arrays of " + cycleOffsets.length + "/" + cycleRecords.length);
    }
  }

  public long epoch() {
    return epoch;
  }

  public long unitInEpoch() {
    return unitInEpoch;
  }

  public String filesDigest() {
    return filesDigest;
  }

  public int nextFile() {
    return nextFile;
  }

  public int slot() {
    return slot;
  }

  public int takenFromSlot() {
    return takenFromSlot;
  }

  public int shardTurn() {
    return shardTurn;
  }

  public int cycleLength() {
    return cycleFiles.length;
  }

  /** The file cycle slot {@code i} reads, or -1 when it is empty. */
  public int cycleFile(int i) {
    return cycleFiles[i];
  }

  public long cycleOffset(int i) {
    return cycleOffsets[i];
  }

  public long cycleRecords(int i) {
    return cycleRecords[i];
  }

  public long shuffleRandom() {
    return shuffleRandom;
  }

  /** Records in the shuffle buffer. */
  public int shuffled() {
    return shuffled.size();
  }

  public int shuffledFile(int i) {
    return shuffled.file(i);
  }

  public long shuffledOffset(int i) {
    return shuffled.offset(i);
  }

  public long shuffledIndex(int i) {
    return shuffled.index(i);
  }

  /** Where the shuffle buffer's records lie, in (file, offset) order. */
  public ShufflePositions shufflePositions() {
    return shuffled;
  }

  // ---- serialized form (see PipelineState) ---------------------------------------------------

  /** {@code epoch unit files_digest}. */
  String headerLine() {
    return epoch + " " + unitInEpoch + " " + filesDigest;
  }

  /** {@code next_file slot taken_from_slot shard_turn}. */
  String interleaveLine() {
    return nextFile + " " + slot + " " + takenFromSlot + " " + shardTurn;
  }

  /** Per slot {@code file:offset:records}, or {@code -} for an empty slot; space-separated. */
  String cycleLine() {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cycleFiles.length; i++) {
      if (i > 0) {
        line.append(' ');
      }
      line.append(cycleFiles[i] < 0 ? "-"
          : cycleFiles[i] + ":" + cycleOffsets[i] + ":" + cycleRecords[i]);
    }
    return line.toString();
  }

  /**
   * {@code count base64}: for each buffered record, in order, three unsigned varints: the file
   * index minus the previous record's, then the offset and the index in the file, each minus the
   * previous record's when the file is the same (absolute when it changed); the varints raw-DEFLATE
   * compressed (records of similar sizes give runs of similar deltas), then base64.
   */
  String shuffleLine() {
    return shuffled.size() + " "
        + Base64.getEncoder().encodeToString(deflate(shuffled.varints()));
  }

  /** Reads the lines {@link #headerLine()} and the others wrote; throws naming what is wrong. */
  static SourceCheckpoint parse(String header, String interleave, String cycle, String random,
      String shuffle) {
    long[] head = numbers("checkpoint", header, 3, 2);
    String[] headWords = header.trim().split(" ");
    long[] turn = numbers("interleave", interleave, 4, 4);
    String[] slots = cycle.trim().isEmpty() ? new String[0] : cycle.trim().split(" ");
    int[] cycleFiles = new int[slots.length];
    long[] cycleOffsets = new long[slots.length];
    long[] cycleRecords = new long[slots.length];
    for (int i = 0; i < slots.length; i++) {
      if (slots[i].equals("-")) {
        cycleFiles[i] = -1;
        continue;
      }
      long[] parts = numbers("cycle", slots[i].replace(':', ' '), 3, 3);
      cycleFiles[i] = toInt("cycle", parts[0]);
      cycleOffsets[i] = parts[1];
      cycleRecords[i] = parts[2];
    }
    long shuffleRandom = numbers("shuffle_random", random, 1, 1)[0];
    String[] shuffleWords = shuffle.trim().split(" ");
    int count = toInt("shuffle", numbers("shuffle", shuffleWords[0], 1, 1)[0]);
    ShufflePositions shuffled = ShufflePositions.NONE;
    if (count < 0) {
      throw new IllegalArgumentException("the state's shuffle line counts " + count + " records");
    }
    if (count > 0) {
      if (shuffleWords.length != 2) {
        throw new IllegalArgumentException("the state's shuffle line has no positions");
      }
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(shuffleWords[1]);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("the state's shuffle positions are not base64", e);
      }
      // Three varints of at most 10 bytes a record: anything longer is not a state's.
      shuffled = ShufflePositions.parse(count, inflate(bytes, 30L * count));
    }
    return new SourceCheckpoint(head[0], head[1], headWords[2], toInt("interleave", turn[0]),
        toInt("interleave", turn[1]), toInt("interleave", turn[2]), toInt("interleave", turn[3]),
        cycleFiles,
        cycleOffsets, cycleRecords, shuffleRandom, shuffled);
  }

  /** {@code value} as an int, or the {@link IllegalArgumentException} of a malformed state. */
  private static int toInt(String key, long value) {
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("the state's " + key + " line has a value out of"
          + " range: " + value);
    }
    return (int) value;
  }

  /** The first {@code numeric} of {@code words} space-separated words, as longs. */
  private static long[] numbers(String key, String line, int words, int numeric) {
    String[] parts = line.trim().split(" ");
    if (parts.length != words) {
      throw new IllegalArgumentException("the state's " + key + " line has " + parts.length
          + " values, not " + words + ": '" + line + "'");
    }
    long[] values = new long[numeric];
    for (int i = 0; i < numeric; i++) {
      try {
        values[i] = Long.parseLong(parts[i]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("the state's " + key + " line has a value that is not"
            + " a number: '" + parts[i] + "'");
      }
    }
    return values;
  }

  private static byte[] deflate(byte[] raw) {
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
    try {
      deflater.setInput(raw);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 2 + 16);
      byte[] buffer = new byte[8192];
      while (!deflater.finished()) {
        out.write(buffer, 0, deflater.deflate(buffer));
      }
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }

  private static byte[] inflate(byte[] compressed, long maxBytes) {
    Inflater inflater = new Inflater(true);
    try {
      inflater.setInput(compressed);
      ByteArrayOutputStream out = new ByteArrayOutputStream(compressed.length * 3);
      byte[] buffer = new byte[8192];
      while (!inflater.finished()) {
        int n = inflater.inflate(buffer);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new IllegalArgumentException("the state's shuffle positions end in the middle");
        }
        out.write(buffer, 0, n);
        if (out.size() > maxBytes) {
          throw new IllegalArgumentException("the state's shuffle positions hold more bytes than"
              + " their records need");
        }
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw new IllegalArgumentException("the state's shuffle positions are damaged: "
          + e.getMessage(), e);
    } finally {
      inflater.end();
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SourceCheckpoint that
        && epoch == that.epoch && unitInEpoch == that.unitInEpoch
        && filesDigest.equals(that.filesDigest) && nextFile == that.nextFile
        && slot == that.slot && takenFromSlot == that.takenFromSlot
        && shardTurn == that.shardTurn && shuffleRandom == that.shuffleRandom
        && Arrays.equals(cycleFiles, that.cycleFiles)
        && Arrays.equals(cycleOffsets, that.cycleOffsets)
        && Arrays.equals(cycleRecords, that.cycleRecords)
        && shuffled.equals(that.shuffled);
  }

  @Override
  public int hashCode() {
    return Objects.hash(epoch, unitInEpoch, filesDigest, nextFile, slot, shuffleRandom,
        Arrays.hashCode(cycleOffsets), shuffled);
  }

  @Override
  public String toString() {
    return "SourceCheckpoint[epoch " + epoch + ", unit " + unitInEpoch + ", interleave "
        + interleaveLine() + ", cycle " + cycleLine() + ", " + shuffled.size()
        + " records shuffled]";
  }
}
