package dev.ingest.tfrecord.example;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.ingest.DType;
import dev.ingest.ExampleSpec;
import dev.ingest.FeatureSpec;
import dev.ingest.InvalidExampleException;
import dev.ingest.InvalidExampleException.Reason;
import dev.ingest.tfrecord.example.RandomWire.FeatureValue;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;
import org.tensorflow.proto.Example;

/**
 * Our wire-format parser against the reference decoder, {@code Example.parseFrom}, on Examples
 * encoded every way protobuf allows (see {@link RandomWire}): columns must equal, value for value,
 * what the spec's semantics make of the decoded Examples ({@link ParseOutcome#expected}), and
 * errors must name the same record, feature and reason.
 *
 * <p>Each try draws a seed; the schema, the records and every encoding choice follow from it, so
 * a reported seed reproduces the failure exactly. Tries are sized for about 20 s on a busy
 * 2-core machine: PARANOID leak detection records a stack trace on every buffer access.
 */
class ExampleParserDifferentialProperties {
  /** Names that share prefixes, need several UTF-8 bytes, or hold a NUL. */
  private static final List<String> NAMES = List.of(
      "a", "ab", "abc", "b", "label", "label_", "x/0", "x/1", "é", "é1", "e\u0301",
      "日本", "日本語", "😀", "😀x", "A", "a\u0000", "Ω");

  /**
   * Where parsers take column buffers: pooled but without thread caches, so that its arenas
   * count exactly the buffers not yet released. Every parse must leave none, batch closed or
   * parse failed (jqwik properties run outside the JUnit leak guard, so this is the check).
   */
  private static final PooledByteBufAllocator COLUMNS =
      new PooledByteBufAllocator(true, 0, 1, 8192, 9, 0, 0, false);

  @Property(tries = 200)
  void wellFormedBatchesParseLikeTheReferenceDecoder(@ForAll long seed) {
    Random random = new Random(seed);
    ExampleSpec spec = randomSpec(random);
    RandomWire wire = new RandomWire(random);
    List<byte[]> records = new ArrayList<>();
    for (int i = 1 + random.nextInt(6); i > 0; i--) {
      records.add(wire.example(validRecord(spec, wire, random)));
    }
    ParseOutcome expected = expected(spec, records);
    assertThat(expected.failure()).as("generator made a valid batch").isNull();
    assertThat(parse(spec, records, random)).isEqualTo(expected);
  }

  @Property(tries = 200)
  void badFeaturesFailWithTheReasonTheReferenceDecoderImplies(@ForAll long seed) {
    Random random = new Random(seed);
    ExampleSpec spec = randomSpec(random);
    RandomWire wire = new RandomWire(random);
    List<byte[]> records = new ArrayList<>();
    for (int i = 1 + random.nextInt(6); i > 0; i--) {
      Map<String, FeatureValue> record = validRecord(spec, wire, random);
      if (random.nextInt(3) == 0) {
        spoil(record, spec, wire, random);
      }
      records.add(wire.example(record));
    }
    ParseOutcome expected = expected(spec, records);
    Statistics.label("outcome")
        .collect(expected.failure() == null ? "parsed" : expected.failure().reason());
    assertThat(parse(spec, records, random)).isEqualTo(expected);
  }

  /**
   * One parser reused batch after batch, as a parse worker uses it: its buffers start at the
   * previous batch's size and a failed batch must leave nothing behind, so batches that grow,
   * shrink and fail in turn must each still match the reference.
   */
  @Property(tries = 30)
  void aReusedParserParsesEveryBatchLikeTheReferenceDecoder(@ForAll long seed) {
    Random random = new Random(seed);
    ExampleSpec spec = randomSpec(random);
    RandomWire wire = new RandomWire(random);
    ExampleParser parser = new ExampleParser(spec, COLUMNS);
    for (int batch = 0; batch < 6; batch++) {
      List<byte[]> records = new ArrayList<>();
      int size = random.nextBoolean() ? 1 + random.nextInt(3) : 1 + random.nextInt(40);
      boolean spoilt = random.nextInt(3) == 0;
      for (int i = 0; i < size; i++) {
        Map<String, FeatureValue> record = validRecord(spec, wire, random);
        if (spoilt && random.nextInt(size) == 0) {
          spoil(record, spec, wire, random);
        }
        records.add(wire.example(record));
      }
      assertThat(parse(parser, records, random)).as("batch %d", batch)
          .isEqualTo(expected(spec, records));
    }
  }

  /**
   * Damaged records (bytes flipped, inserted, deleted, cut; or no Example at all) never throw
   * anything but {@code InvalidExampleException} and never hang. When the reference decoder
   * accepts the bytes, our result must equal what it implies. When it rejects them we may still
   * accept: we skip features the spec does not name without decoding them, and (like
   * TensorFlow's C++ parser) do not check that keys are UTF-8. We may also refuse a few things it
   * accepts: see {@link #knownStrictness}.
   */
  @Property(tries = 1000)
  void damagedRecordsParseLikeTheReferenceDecoderOrAreMalformed(
      @ForAll long seed, @ForAll @IntRange(min = 0, max = 4) int damage) {
    Random random = new Random(seed);
    ExampleSpec spec = randomSpec(random);
    RandomWire wire = new RandomWire(random);
    byte[] record;
    if (damage == 0) {
      record = new byte[random.nextInt(48)];
      random.nextBytes(record);
    } else {
      record = wire.example(validRecord(spec, wire, random));
      for (int i = 0; i < damage; i++) {
        record = damage(record, random);
      }
    }
    ParseOutcome ours = parse(spec, List.of(record), random);
    Example reference;
    try {
      reference = Example.parseFrom(record);
    } catch (InvalidProtocolBufferException e) {
      Statistics.label("reference").collect("rejects");
      Statistics.label("ours when reference rejects")
          .collect(ours.failure() == null ? "parsed" : ours.failure().reason());
      return;
    }
    Statistics.label("reference").collect("accepts");
    ParseOutcome expected = ParseOutcome.expected(spec, List.of(reference), List.of(3L));
    if (!ours.equals(expected) && kindSwitchesBack(record)) {
      // protobuf-java keeps a oneof's old list when the kind switches away and back (its
      // builder for that case survives the switch), so its lists concatenate across the switch;
      // the protobuf rule, which we follow, keeps only the lists after the last switch.
      Statistics.label("reference keeps a oneof's list across a switch").collect("switch back");
      return;
    }
    if (!ours.equals(expected) && ours.failure() != null
        && ours.failure().reason() == Reason.MALFORMED) {
      String strictness = knownStrictness(malformedDetail(spec, record));
      if (strictness != null) {
        Statistics.label("reference accepts what we call malformed").collect(strictness);
        return;
      }
    }
    assertThat(ours).as("record %s, spec %s", hex(record), spec)
        .isEqualTo(expected);
  }

  // ---- generators ----------------------------------------------------------------------------

  static ExampleSpec randomSpec(Random random) {
    List<String> names = new ArrayList<>(NAMES);
    Collections.shuffle(names, random);
    List<FeatureSpec> features = new ArrayList<>();
    for (String name : names.subList(0, 1 + random.nextInt(5))) {
      DType dtype = DType.values()[random.nextInt(3)];
      switch (random.nextInt(3)) {
        case 0:
          features.add(FeatureSpec.varLen(name, dtype));
          break;
        case 1:
          features.add(FeatureSpec.fixed(name, dtype, shape(random)));
          break;
        default:
          FeatureSpec fixed = FeatureSpec.fixed(name, dtype, shape(random));
          int defaults = random.nextBoolean() ? 1 : fixed.elementCount();
          Object[] values = new Object[defaults];
          for (int i = 0; i < defaults; i++) {
            values[i] = defaultValue(dtype, random);
          }
          features.add(defaults == 0 ? fixed : fixed.withDefault(values));
      }
    }
    return new ExampleSpec(features);
  }

  private static int[] shape(Random random) {
    int count = random.nextInt(4) == 0 ? random.nextInt(51) : 1 + random.nextInt(3);
    if (count == 1 && random.nextBoolean()) {
      return new int[0];
    }
    if (count % 2 == 0 && count > 0 && random.nextBoolean()) {
      return new int[] {2, count / 2};
    }
    return new int[] {count};
  }

  private static Object defaultValue(DType dtype, Random random) {
    switch (dtype) {
      case FLOAT32:
        return random.nextBoolean() ? Float.NaN : (random.nextInt(100) - 50) / 8f;
      case INT64:
        return random.nextBoolean() ? Long.MAX_VALUE : (long) random.nextInt(100);
      default:
        return List.of("", "none", "ünïcödé", "日本").get(random.nextInt(4));
    }
  }

  /** A record every feature of the spec accepts, plus features the spec does not name. */
  static Map<String, FeatureValue> validRecord(ExampleSpec spec, RandomWire wire, Random random) {
    Map<String, FeatureValue> record = new LinkedHashMap<>();
    for (FeatureSpec feature : spec.features()) {
      if (feature.varLen()) {
        int roll = random.nextInt(8);
        if (roll == 0) {
          continue;
        }
        if (roll == 1) {
          record.put(feature.name(), FeatureValue.NO_LIST);
          continue;
        }
        int count = random.nextInt(4) == 0 ? random.nextInt(51) : random.nextInt(4);
        record.put(feature.name(), new FeatureValue(feature.dtype(), wire.values(feature.dtype(), count)));
      } else if (feature.defaultValue() != null && random.nextBoolean()) {
        if (random.nextBoolean()) {
          record.put(feature.name(), FeatureValue.NO_LIST);
        }
      } else {
        record.put(feature.name(),
            new FeatureValue(feature.dtype(), wire.values(feature.dtype(), feature.elementCount())));
      }
    }
    for (String name : NAMES) {
      if (spec.feature(name).isEmpty() && random.nextInt(6) == 0) {
        record.put(name, wire.randomValue());
      }
    }
    return record;
  }

  /** Makes one feature of the spec absent, of another type, or of another count. */
  static void spoil(Map<String, FeatureValue> record, ExampleSpec spec, RandomWire wire,
      Random random) {
    FeatureSpec feature = spec.features().get(random.nextInt(spec.features().size()));
    switch (random.nextInt(4)) {
      case 0:
        record.remove(feature.name());
        break;
      case 1:
        record.put(feature.name(), FeatureValue.NO_LIST);
        break;
      case 2:
        DType other = DType.values()[(feature.dtype().ordinal() + 1 + random.nextInt(2)) % 3];
        record.put(feature.name(), new FeatureValue(other, wire.values(other, random.nextInt(4))));
        break;
      default:
        int count = Math.max(0, feature.elementCount() + (random.nextBoolean() ? 1 : -1) * (1 + random.nextInt(3)));
        record.put(feature.name(), new FeatureValue(feature.dtype(), wire.values(feature.dtype(), count)));
    }
  }

  private static byte[] damage(byte[] record, Random random) {
    if (record.length == 0) {
      return new byte[] {(byte) random.nextInt()};
    }
    int at = random.nextInt(record.length);
    byte[] damaged;
    switch (random.nextInt(5)) {
      case 0:
        damaged = record.clone();
        damaged[at] ^= (byte) (1 << random.nextInt(8));
        return damaged;
      case 1:
        damaged = record.clone();
        damaged[at] = (byte) random.nextInt();
        return damaged;
      case 2:
        damaged = new byte[record.length + 1];
        System.arraycopy(record, 0, damaged, 0, at);
        damaged[at] = (byte) random.nextInt();
        System.arraycopy(record, at, damaged, at + 1, record.length - at);
        return damaged;
      case 3:
        damaged = new byte[record.length - 1];
        System.arraycopy(record, 0, damaged, 0, at);
        System.arraycopy(record, at + 1, damaged, at, record.length - at - 1);
        return damaged;
      default:
        return java.util.Arrays.copyOf(record, at);
    }
  }

  /**
   * Where we are stricter than the reference decoder on purpose, or null. It ends a varint after
   * ten bytes even when the tenth says "more" (protobuf's encoding, and its C++ decoder, call
   * that malformed); and it keeps the low 32 bits of a tag or length that needs more, where we
   * refuse the record: no encoder writes either.
   */
  private static String knownStrictness(String detail) {
    if (detail.contains("varint longer than 10 bytes")) {
      return "11+ byte varint";
    }
    if (detail.contains("packed varint cut short")) {
      // A packed list whose last varint still has its continuation bit at the list's end (seen:
      // ten bytes 80 .. 80 81 ending exactly there, then 08 after the list). protobuf-java
      // accepted that record (its varint reader appears to take the byte past the list's limit);
      // we call it malformed, as a varint cannot end outside its list.
      return "varint running past a packed list's end";
    }
    Matcher tag = Pattern.compile("invalid tag (-?\\d+)").matcher(detail);
    if (tag.find() && over32Bits(Long.parseLong(tag.group(1)))) {
      return "tag over 32 bits";
    }
    Matcher length = Pattern.compile("length (-?\\d+) at").matcher(detail);
    if (length.find() && over32Bits(Long.parseLong(length.group(1)))) {
      return "length over 32 bits";
    }
    return null;
  }

  /**
   * Whether some feature value's list kinds (bytes_list 1, float_list 2, int64_list 3), in wire
   * order over all the value fields of its map entry, leave a kind and later come back to it.
   */
  private static boolean kindSwitchesBack(byte[] record) {
    try {
      for (byte[] features : lengthDelimited(record, 1)) {
        for (byte[] entry : lengthDelimited(features, 1)) {
          List<Integer> kinds = new ArrayList<>();
          for (byte[] value : lengthDelimited(entry, 2)) {
            CodedInputStream in = CodedInputStream.newInstance(value);
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
              int field = tag >>> 3;
              if ((tag & 7) == 2 && field >= 1 && field <= 3
                  && (kinds.isEmpty() || kinds.get(kinds.size() - 1) != field)) {
                kinds.add(field);
              }
              in.skipField(tag);
            }
          }
          if (kinds.size() != kinds.stream().distinct().count()) {
            return true;
          }
        }
      }
      return false;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** The values of length-delimited field {@code number} of a message, in wire order. */
  private static List<byte[]> lengthDelimited(byte[] message, int number) throws java.io.IOException {
    List<byte[]> values = new ArrayList<>();
    CodedInputStream in = CodedInputStream.newInstance(message);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == (number << 3 | 2)) {
        values.add(in.readByteArray());
      } else {
        in.skipField(tag);
      }
    }
    return values;
  }

  private static boolean over32Bits(long varint) {
    return varint < 0 || varint > 0xFFFF_FFFFL;
  }

  private static String malformedDetail(ExampleSpec spec, byte[] record) {
    ByteBuf buffer = Unpooled.wrappedBuffer(record);
    try {
      SerializedRecords records = new SerializedRecords(1);
      records.add(buffer);
      new ExampleParser(spec, COLUMNS).parse(records).close();
      throw new AssertionError("parsed on a second try");
    } catch (InvalidExampleException e) {
      return e.getMessage();
    } finally {
      buffer.release();
    }
  }

  private static String hex(byte[] bytes) {
    return java.util.HexFormat.ofDelimiter(" ").formatHex(bytes);
  }

  // ---- running both decoders -----------------------------------------------------------------

  private static ParseOutcome expected(ExampleSpec spec, List<byte[]> records) {
    List<Example> examples = new ArrayList<>();
    List<Long> indexes = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      try {
        examples.add(Example.parseFrom(records.get(i)));
      } catch (InvalidProtocolBufferException e) {
        throw new AssertionError("the generator wrote an invalid Example", e);
      }
      indexes.add(recordIndex(i));
    }
    return ParseOutcome.expected(spec, examples, indexes);
  }

  /** Record indexes as a reader would number them: not the row, so a mix-up shows. */
  private static long recordIndex(int row) {
    return 3L + 10L * row;
  }

  /**
   * Parses the records with our parser, laid out either back to back in one direct buffer with
   * junk between them, or each in its own heap buffer at an offset; every buffer is released.
   */
  private static ParseOutcome parse(ExampleSpec spec, List<byte[]> records, Random random) {
    return parse(new ExampleParser(spec, COLUMNS), records, random);
  }

  private static ParseOutcome parse(ExampleParser parser, List<byte[]> records, Random random) {
    List<ByteBuf> buffers = new ArrayList<>();
    try {
      SerializedRecords serialized = new SerializedRecords(1);
      Path file = Path.of("differential.tfrecord");
      if (random.nextBoolean()) {
        ByteBuf shared = Unpooled.directBuffer();
        buffers.add(shared);
        for (int i = 0; i < records.size(); i++) {
          shared.writeBytes(junk(random));
          serialized.add(shared, shared.writerIndex(), records.get(i).length, file, 100L * i, recordIndex(i));
          shared.writeBytes(records.get(i));
        }
        shared.writeBytes(junk(random));
      } else {
        for (int i = 0; i < records.size(); i++) {
          byte[] before = junk(random);
          byte[] bytes = new byte[before.length + records.get(i).length + 3];
          System.arraycopy(before, 0, bytes, 0, before.length);
          System.arraycopy(records.get(i), 0, bytes, before.length, records.get(i).length);
          ByteBuf buffer = Unpooled.wrappedBuffer(bytes);
          buffers.add(buffer);
          serialized.add(buffer, before.length, records.get(i).length, file, 100L * i, recordIndex(i));
        }
      }
      ParseOutcome outcome = ParseOutcome.parse(parser, serialized);
      assertThat(liveColumnBuffers()).as("column buffers not released").isZero();
      return outcome;
    } finally {
      buffers.forEach(ByteBuf::release);
    }
  }

  private static long liveColumnBuffers() {
    long live = 0;
    for (PoolArenaMetric arena : COLUMNS.metric().directArenas()) {
      live += arena.numActiveAllocations();
    }
    return live;
  }

  /** Bytes that a parser reading past a record's end would trip over (a valid-looking field). */
  private static byte[] junk(Random random) {
    byte[] junk = new byte[random.nextInt(6)];
    random.nextBytes(junk);
    if (junk.length >= 2) {
      junk[0] = 0x0a;
      junk[1] = (byte) (junk.length - 2);
    }
    return junk;
  }
}
