package dev.ingest.tfrecord.example;

import dev.ingest.Batch;
import dev.ingest.DType;
import dev.ingest.ExampleSpec;
import dev.ingest.FeatureSpec;
import dev.ingest.InvalidExampleException;
import dev.ingest.MutableBatch;
import dev.ingest.InvalidExampleException.Reason;
import dev.ingest.PaddingSpec;
import dev.ingest.tfrecord.DirectMemory;
import dev.ingest.tfrecord.example.WireReader.MalformedWireException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parses a batch of serialized {@code tf.train.Example}s straight from their wire format into the
 * off-heap columns of a {@link Batch}, as tf.data's fused parse does: no {@code Example} objects,
 * no boxed values, no {@code byte[]} copies. Features not in the spec are skipped undecoded.
 *
 * <pre>
 *   Example   { Features features = 1; }
 *   Features  { map&lt;string, Feature&gt; feature = 1; }      // entries: key = 1, value = 2
 *   Feature   { oneof kind { BytesList bytes_list = 1; FloatList float_list = 2;
 *                            Int64List int64_list = 3; } }
 *   XxxList   { repeated xxx value = 1; }                  // packed or not
 * </pre>
 *
 * <p>Protobuf's merge rules hold: a repeated {@code features} field merges; a later map entry
 * with the same key replaces an earlier one; within a {@code Feature}, a later list of another
 * kind replaces the earlier one and lists of the same kind concatenate; packed and unpacked
 * values mix freely; unknown fields (of any wire type) are skipped.
 *
 * <p>Each record is read twice: once to find, for each wanted feature, the last map entry with
 * its key; then each found entry is decoded into its column. A fixed feature that is absent, or
 * whose Feature has no list set, takes its default or fails with {@link Reason#MISSING}; an empty
 * list is zero values and fails with {@link Reason#WRONG_COUNT} (as TensorFlow's ParseExample
 * does, default or not). A var-len feature absent or without a list is an empty row.
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * A parser is confined to one thread (it reuses scratch state batch after batch); run N parsers
 * to parse N batches at once. {@link #parse} returns a batch the caller owns; on an error it
 * returns nothing and keeps no memory.
 */
public final class ExampleParser {
  private static final int FEATURES = 1 << 3 | WireReader.LENGTH_DELIMITED;
  private static final int MAP_ENTRY = 1 << 3 | WireReader.LENGTH_DELIMITED;
  private static final int ENTRY_KEY = 1 << 3 | WireReader.LENGTH_DELIMITED;
  private static final int ENTRY_VALUE = 2 << 3 | WireReader.LENGTH_DELIMITED;
  private static final int LIST_VALUES_PACKED = 1 << 3 | WireReader.LENGTH_DELIMITED;
  private static final int FLOAT_VALUE = 1 << 3 | WireReader.FIXED32;
  private static final int INT64_VALUE = 1 << 3 | WireReader.VARINT;
  /** Field numbers of the {@code Feature.kind} oneof, indexed by kind. */
  private static final int BYTES_LIST = 1;
  private static final int FLOAT_LIST = 2;
  private static final int INT64_LIST = 3;

  private final ExampleSpec spec;
  private final ColumnBuilder[] builders;
  /** Per builder, the most values a row may have (a fixed padded length), or -1. */
  private final int[] maxRowLengths;
  private final byte[][] names;
  /** Per wanted feature, the last map entry with its key in the current record, or -1. */
  private final int[] entryStart;
  private final int[] entryEnd;
  /**
   * What the last discovery walk found: the Feature's final list kind, where its run starts, how
   * many lists the run has, and where the first of them lies (its values, after the tag and length).
   */
  private int foundKind;
  private int foundRunStart;
  private int foundLists;
  private int foundListStart;
  private int foundListEnd;

  private final WireReader example = new WireReader();
  private final WireReader features = new WireReader();
  private final WireReader entry = new WireReader();
  private final WireReader feature = new WireReader();
  private final WireReader list = new WireReader();
  private final WireReader[] readers = {example, features, entry, feature, list};

  /** A parser that allocates columns from Netty's pooled direct allocator. */
  public ExampleParser(ExampleSpec spec) {
    this(spec, PaddingSpec.none(), PooledByteBufAllocator.DEFAULT);
  }

  /** A parser that allocates columns from {@code allocator}. */
  public ExampleParser(ExampleSpec spec, ByteBufAllocator allocator) {
    this(spec, PaddingSpec.none(), allocator);
  }

  /**
   * A parser for {@code parse_example} fused with {@code padded_batch}: the var-len features
   * named in {@code padding} come out dense, padded as it says.
   *
   * @throws IllegalArgumentException if {@code padding} names a feature that is not in the spec,
   *     not var-len, or gives a padding value of the wrong type
   */
  public ExampleParser(ExampleSpec spec, PaddingSpec padding, ByteBufAllocator allocator) {
    this(spec, padding, DirectMemory.of(allocator));
  }

  /**
   * Like {@link #ExampleParser(ExampleSpec, PaddingSpec, ByteBufAllocator)}, with the column
   * buffers taken from {@code memory}, which may keep them for reuse (the engine does). The
   * parsing thread allocates from it, and whichever thread releases a batch last frees its
   * columns to it: it must take calls from any thread.
   */
  public ExampleParser(ExampleSpec spec, PaddingSpec padding, DirectMemory memory) {
    this(spec, padding, padding, memory);
  }

  /**
   * As {@link #ExampleParser(ExampleSpec, PaddingSpec, DirectMemory)}, refusing rows longer than
   * the fixed lengths of {@code lengthLimits} though they are not padded here: for the unpadded
   * chunks a batch stage pads later, so that a row too long for its padded length is refused
   * where its record is known, as the fused parse refuses it.
   */
  public ExampleParser(ExampleSpec spec, PaddingSpec padding, PaddingSpec lengthLimits,
      DirectMemory memory) {
    this.spec = spec;
    List<FeatureSpec> wanted = spec.features();
    for (String name : padding.lengths().keySet()) {
      FeatureSpec feature = spec.feature(name).orElseThrow(() -> new IllegalArgumentException(
          "padded_shapes names '" + name + "', which parse_example does not produce"));
      if (!feature.varLen()) {
        throw new IllegalArgumentException("padded_shapes names '" + name
            + "', which already has the fixed shape " + feature.shape() + "; only var_len features are padded");
      }
      Object value = padding.values().get(name);
      if (value != null) {
        ColumnBuilder.paddingValueOf(feature, value); // refuses a value of another type here
      }
    }
    builders = new ColumnBuilder[wanted.size()];
    maxRowLengths = new int[wanted.size()];
    names = new byte[wanted.size()][];
    for (int i = 0; i < builders.length; i++) {
      FeatureSpec feature = wanted.get(i);
      int paddedLength = padding.lengths().getOrDefault(feature.name(), ColumnBuilder.UNPADDED);
      builders[i] = new ColumnBuilder(
          feature, paddedLength, padding.values().get(feature.name()), memory);
      Integer limit = lengthLimits.lengths().get(feature.name());
      maxRowLengths[i] = limit == null || limit < 0 ? -1 : limit;
      names[i] = feature.name().getBytes(StandardCharsets.UTF_8);
    }
    entryStart = new int[builders.length];
    entryEnd = new int[builders.length];
  }

  public ExampleSpec spec() {
    return spec;
  }

  /**
   * Parses every record into one batch with a row per record, in order. The caller owns the
   * returned batch and must close it; the records are only read.
   *
   * @throws InvalidExampleException naming the first bad record and feature; nothing is leaked
   */
  public MutableBatch parse(SerializedRecords records) throws InvalidExampleException {
    return parse(records, null);
  }

  /** Told of each record {@link #parse(SerializedRecords, RejectedRows)} left out. */
  @FunctionalInterface
  public interface RejectedRows {
    /**
     * @param row the record's row in the batch, which holds an empty placeholder in its place
     * @param why what was wrong with it, naming its file, offset, record and feature
     */
    void rejected(int row, InvalidExampleException why);
  }

  /**
   * As {@link #parse(SerializedRecords)}, but a record that is not a valid Example for the spec
   * does not fail the batch: its row is an empty placeholder (no values in a var-len feature,
   * zeros or empty strings in a fixed one) and {@code rejected} is told, so that the caller drops
   * the row. Rows keep their records' positions, so row {@code r} is still record {@code r}.
   *
   * @param rejected told of each rejected record, in order; {@code null} to fail on the first one
   */
  public MutableBatch parse(SerializedRecords records, RejectedRows rejected)
      throws InvalidExampleException {
    int rows = records.size();
    List<OffHeapColumn> columns = new ArrayList<>(builders.length);
    boolean parsed = false;
    try {
      for (ColumnBuilder builder : builders) {
        builder.start(rows);
      }
      if (rejected == null) {
        for (int row = 0; row < rows; row++) {
          parseRecord(records, row);
        }
      } else {
        for (int row = 0; row < rows; row++) {
          parseOrReject(records, row, rejected);
        }
      }
      for (ColumnBuilder builder : builders) {
        columns.add(builder.finish());
      }
      parsed = true;
      return new OffHeapBatch(rows, columns);
    } finally {
      if (!parsed) {
        for (ColumnBuilder builder : builders) {
          builder.abandon();
        }
        for (OffHeapColumn column : columns) {
          column.release();
        }
      }
    }
  }

  /**
   * Parses one record, or puts a placeholder row in its place: the builders go back to where the
   * row started (whatever the bad record wrote is overwritten) and end an empty row.
   */
  private void parseOrReject(SerializedRecords records, int row, RejectedRows rejected) {
    for (ColumnBuilder builder : builders) {
      builder.markRow();
    }
    try {
      parseRecord(records, row);
    } catch (InvalidExampleException e) {
      for (ColumnBuilder builder : builders) {
        builder.rewindToMark();
        builder.addPlaceholderRow();
      }
      rejected.rejected(row, e);
    }
  }

  private void parseRecord(SerializedRecords records, int row) throws InvalidExampleException {
    ByteBuf buffer = records.buffer(row);
    int start = records.start(row);
    int end = start + records.length(row);
    java.util.Objects.checkFromToIndex(start, end, buffer.capacity());
    int current = -1;
    try {
      for (WireReader reader : readers) {
        reader.use(buffer);
        reader.origin(start);
      }
      findEntries(buffer, start, end);
      for (current = 0; current < builders.length; current++) {
        decodeFeature(buffer, current, records, row);
        builders[current].endRow();
      }
    } catch (MalformedWireException e) {
      throw invalid(records, row, current < 0 ? null : builders[current].feature(),
          Reason.MALFORMED, "not a valid tf.train.Example: " + e.getMessage());
    }
  }

  /** First pass: the last map entry of each wanted feature. */
  private void findEntries(ByteBuf buffer, int start, int end) {
    Arrays.fill(entryStart, -1);
    example.reset(buffer, start, end);
    while (example.hasRemaining()) {
      int tag = example.readTag();
      if (tag != FEATURES) {
        example.skipField(tag);
        continue;
      }
      int length = example.readLength();
      features.reset(buffer, example.position(), example.position() + length);
      example.position(example.position() + length);
      while (features.hasRemaining()) {
        int featuresTag = features.readTag();
        if (featuresTag != MAP_ENTRY) {
          features.skipField(featuresTag);
          continue;
        }
        int entryLength = features.readLength();
        int from = features.position();
        int to = from + entryLength;
        features.position(to);
        int wanted = wantedFeature(buffer, from, to);
        if (wanted >= 0) {
          entryStart[wanted] = from;
          entryEnd[wanted] = to;
        }
      }
    }
  }

  /** The index of the wanted feature whose name is this entry's key (the last key field), or -1. */
  private int wantedFeature(ByteBuf buffer, int from, int to) {
    entry.reset(buffer, from, to);
    int keyStart = from;
    int keyLength = 0;
    while (entry.hasRemaining()) {
      int tag = entry.readTag();
      if (tag == ENTRY_KEY) {
        keyLength = entry.readLength();
        keyStart = entry.position();
        entry.position(keyStart + keyLength);
      } else {
        entry.skipField(tag);
      }
    }
    for (int i = 0; i < names.length; i++) {
      if (names[i].length == keyLength && sameBytes(entry, keyStart, names[i])) {
        return i;
      }
    }
    return -1;
  }

  private static boolean sameBytes(WireReader reader, int index, byte[] expected) {
    for (int i = 0; i < expected.length; i++) {
      if (reader.byteAt(index + i) != expected[i]) {
        return false;
      }
    }
    return true;
  }

  /** Second pass for one feature: its values, its default, or an error. */
  private void decodeFeature(ByteBuf buffer, int index, SerializedRecords records, int row)
      throws InvalidExampleException {
    ColumnBuilder builder = builders[index];
    FeatureSpec wanted = builder.feature();
    int kind = 0;
    int runStart = -1;
    if (entryStart[index] >= 0) {
      walkLists(buffer, index, 0, -1);
      kind = foundKind;
      runStart = foundRunStart;
    }
    if (kind == 0) {
      if (wanted.varLen()) {
        return;
      }
      if (wanted.defaultValue() != null) {
        builder.addDefault();
        return;
      }
      throw invalid(records, row, wanted, Reason.MISSING, "is missing and has no default");
    }
    DType found = dtypeOf(kind);
    if (found != wanted.dtype()) {
      throw invalid(records, row, wanted, Reason.WRONG_DTYPE,
          "holds " + found.wireName() + " values, the spec says " + wanted.dtype().wireName());
    }
    if (foundLists == 1) {
      // The usual shape, one list: append it where discovery found it, without a second walk.
      appendList(buffer, builder, kind, foundListStart, foundListEnd);
    } else {
      walkLists(buffer, index, kind, runStart);
    }
    if (!wanted.varLen() && builder.rowValueCount() != builder.elementCount()) {
      throw invalid(records, row, wanted, Reason.WRONG_COUNT,
          "has " + builder.rowValueCount() + " values, shape " + wanted.shape() + " needs "
              + builder.elementCount());
    }
    int paddedLength = maxRowLengths[index];
    if (paddedLength >= 0 && builder.rowValueCount() > paddedLength) {
      throw invalid(records, row, wanted, Reason.WRONG_COUNT,
          "has " + builder.rowValueCount() + " values, more than its padded length " + paddedLength);
    }
  }

  /**
   * Walks every list field ({@code bytes_list}, {@code float_list}, {@code int64_list}) of every
   * value field of the wanted feature's map entry, in wire order. Several value fields merge, and
   * within the merged {@code Feature} the oneof ends as the last kind seen while lists of that
   * kind after the last change of kind concatenate. With {@code appendKind} 0 the walk finds that
   * kind and where its run starts ({@link #foundKind}, {@link #foundRunStart}); otherwise it
   * appends the values of the {@code appendKind} lists from {@code runStart} on.
   */
  private void walkLists(ByteBuf buffer, int index, int appendKind, int runStart) {
    foundKind = 0;
    foundRunStart = -1;
    foundLists = 0;
    ColumnBuilder builder = builders[index];
    entry.reset(buffer, entryStart[index], entryEnd[index]);
    while (entry.hasRemaining()) {
      int tag = entry.readTag();
      if (tag != ENTRY_VALUE) {
        entry.skipField(tag);
        continue;
      }
      int length = entry.readLength();
      feature.reset(buffer, entry.position(), entry.position() + length);
      entry.position(entry.position() + length);
      while (feature.hasRemaining()) {
        int fieldStart = feature.position();
        int fieldTag = feature.readTag();
        int field = fieldTag >>> 3;
        boolean isList = (fieldTag & 7) == WireReader.LENGTH_DELIMITED
            && field >= BYTES_LIST && field <= INT64_LIST;
        if (!isList) {
          feature.skipField(fieldTag);
          continue;
        }
        int listLength = feature.readLength();
        int listStart = feature.position();
        feature.position(listStart + listLength);
        if (appendKind == 0) {
          if (field != foundKind) {
            foundKind = field;
            foundRunStart = fieldStart;
            foundLists = 0;
            foundListStart = listStart;
            foundListEnd = listStart + listLength;
          }
          foundLists++;
        } else if (field == appendKind && fieldStart >= runStart) {
          appendList(buffer, builder, appendKind, listStart, listStart + listLength);
        }
      }
    }
  }

  /** Appends the values of one list of {@code kind}, whose fields lie in {@code [start, end)}. */
  private void appendList(ByteBuf buffer, ColumnBuilder builder, int kind, int start, int end) {
    list.reset(buffer, start, end);
    switch (kind) {
      case FLOAT_LIST:
        appendFloats(buffer, builder);
        break;
      case INT64_LIST:
        appendLongs(builder);
        break;
      default:
        appendByteStrings(buffer, builder);
    }
  }

  private void appendFloats(ByteBuf buffer, ColumnBuilder builder) {
    while (list.hasRemaining()) {
      int tag = list.readTag();
      if (tag == LIST_VALUES_PACKED) {
        int length = list.readLength();
        if (length % Float.BYTES != 0) {
          throw new MalformedWireException("packed floats of " + length + " bytes");
        }
        builder.addFloats(buffer, list.position(), length / Float.BYTES);
        list.position(list.position() + length);
      } else if (tag == FLOAT_VALUE) {
        builder.addFloat(list.readFixed32Float());
      } else {
        list.skipField(tag);
      }
    }
  }

  private void appendLongs(ColumnBuilder builder) {
    while (list.hasRemaining()) {
      int tag = list.readTag();
      if (tag == LIST_VALUES_PACKED) {
        int length = list.readLength();
        int end = list.position() + length;
        builder.addPackedVarints(list.buffer(), list.position(), end);
        list.position(end);
      } else if (tag == INT64_VALUE) {
        builder.addLong(list.readVarint());
      } else {
        list.skipField(tag);
      }
    }
  }

  private void appendByteStrings(ByteBuf buffer, ColumnBuilder builder) {
    while (list.hasRemaining()) {
      int tag = list.readTag();
      if (tag == LIST_VALUES_PACKED) {
        int length = list.readLength();
        builder.addBytes(buffer, list.position(), length);
        list.position(list.position() + length);
      } else {
        list.skipField(tag);
      }
    }
  }

  private static DType dtypeOf(int kind) {
    switch (kind) {
      case BYTES_LIST:
        return DType.BYTES;
      case FLOAT_LIST:
        return DType.FLOAT32;
      default:
        return DType.INT64;
    }
  }

  private static InvalidExampleException invalid(
      SerializedRecords records, int row, FeatureSpec feature, Reason reason, String detail) {
    return new InvalidExampleException(
        records.file(row), records.offset(row), records.index(row),
        feature == null ? null : feature.name(), reason, detail);
  }
}
