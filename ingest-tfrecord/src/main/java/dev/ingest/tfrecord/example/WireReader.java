package dev.ingest.tfrecord.example;

import io.netty.buffer.ByteBuf;
import io.netty.util.internal.PlatformDependent;

/**
 * A cursor over protobuf wire format in a {@link ByteBuf}, between absolute indexes {@code
 * position} and {@code limit}. Reads tags, varints, fixed32 values and length prefixes, and skips
 * fields, allocating nothing. Anything that is not valid wire format, or that would read past the
 * limit, throws {@link MalformedWireException}.
 *
 * <p>On a buffer with a memory address (direct buffers) bytes are read at the address, not
 * through {@link ByteBuf#getByte}: the parser reads every byte of a record, and each {@code
 * getByte} checks the index and the reference count again, through a call that cannot be
 * inlined once the parser has seen a few kinds of buffer. The caller checks once per record that
 * the record lies within the buffer; every position here stays below the limit, and limits only
 * shrink inside it.
 *
 * <p>Reused for every record; confined to one thread.
 */
final class WireReader {
  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LENGTH_DELIMITED = 2;
  static final int START_GROUP = 3;
  static final int END_GROUP = 4;
  static final int FIXED32 = 5;
  /**
   * How deep unknown groups may nest: protobuf's own recursion limit. Skipping recurses once per
   * level, so without a bound a record of nested start-group tags overflows the stack.
   */
  static final int MAX_GROUP_DEPTH = 100;

  private ByteBuf buffer;
  /** The buffer's memory address, when it has one ({@link #direct}). */
  private long address;
  private boolean direct;
  private int position;
  private int limit;
  /** Index of the record's first byte: error messages give positions relative to it. */
  private int origin;

  /** Sets the index that error messages count bytes from (the record's first byte). */
  void origin(int origin) {
    this.origin = origin;
  }

  /**
   * Reads {@code buffer} from now on, taking its memory address afresh: call it for each record,
   * since a buffer that grows (a reused arena) moves its memory and keeps its identity.
   */
  void use(ByteBuf buffer) {
    this.buffer = buffer;
    this.direct = buffer.hasMemoryAddress();
    this.address = direct ? buffer.memoryAddress() : 0;
  }

  /** Points the cursor at {@code [position, limit)} of {@code buffer}. */
  WireReader reset(ByteBuf buffer, int position, int limit) {
    if (buffer != this.buffer) {
      use(buffer);
    }
    this.position = position;
    this.limit = limit;
    return this;
  }

  ByteBuf buffer() {
    return buffer;
  }

  /** The byte at {@code index} of the buffer, which the caller knows to be within the record. */
  byte byteAt(int index) {
    return direct ? PlatformDependent.getByte(address + index) : buffer.getByte(index);
  }

  boolean hasRemaining() {
    return position < limit;
  }

  int position() {
    return position;
  }

  void position(int position) {
    this.position = position;
  }

  int limit() {
    return limit;
  }

  /** Reads a field's tag (field number and wire type); field number 0 is invalid. */
  int readTag() {
    long tag = readVarint();
    if ((tag >>> 3) == 0 || tag > 0xFFFF_FFFFL) {
      throw new MalformedWireException("invalid tag " + tag + " at byte " + (position - origin));
    }
    return (int) tag;
  }

  long readVarint() {
    if (position >= limit) {
      throw new MalformedWireException("varint cut short at byte " + (position - origin));
    }
    byte first = byteAt(position);
    if (first >= 0) {
      position++;
      return first;
    }
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (position >= limit) {
        throw new MalformedWireException("varint cut short at byte " + (position - origin));
      }
      byte b = byteAt(position++);
      result |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return result;
      }
    }
    throw new MalformedWireException("varint longer than 10 bytes ending at byte " + (position - origin));
  }

  /** Reads a little-endian fixed32, returned as the float it encodes. */
  float readFixed32Float() {
    require(4);
    float value = buffer.getFloatLE(position);
    position += 4;
    return value;
  }

  /** Reads a length prefix and checks that the bytes it announces are there. */
  int readLength() {
    long length = readVarint();
    if (length < 0 || length > limit - position) {
      throw new MalformedWireException(
          "length " + length + " at byte " + (position - origin) + " runs past the end (" + (limit - position)
              + " bytes left)");
    }
    return (int) length;
  }

  /** Skips the value of a field whose tag was just read. */
  void skipField(int tag) {
    skipField(tag, 0);
  }

  private void skipField(int tag, int groupDepth) {
    switch (tag & 7) {
      case VARINT:
        readVarint();
        break;
      case FIXED64:
        skip(8);
        break;
      case LENGTH_DELIMITED:
        skip(readLength());
        break;
      case START_GROUP:
        skipGroup(tag >>> 3, groupDepth + 1);
        break;
      case FIXED32:
        skip(4);
        break;
      default:
        throw new MalformedWireException(
            "invalid wire type " + (tag & 7) + " before byte " + (position - origin));
    }
  }

  private void skipGroup(int fieldNumber, int groupDepth) {
    if (groupDepth > MAX_GROUP_DEPTH) {
      throw new MalformedWireException(
          "groups nested more than " + MAX_GROUP_DEPTH + " deep at byte " + (position - origin));
    }
    while (true) {
      int tag = readTag();
      if ((tag & 7) == END_GROUP) {
        if ((tag >>> 3) != fieldNumber) {
          throw new MalformedWireException("group " + fieldNumber + " ended by " + (tag >>> 3));
        }
        return;
      }
      skipField(tag, groupDepth);
    }
  }

  private void skip(int bytes) {
    require(bytes);
    position += bytes;
  }

  private void require(int bytes) {
    if (bytes > limit - position) {
      throw new MalformedWireException(
          bytes + " bytes needed at byte " + (position - origin) + ", " + (limit - position) + " left");
    }
  }

  /** Not valid protobuf; the parser adds which record it was. */
  static final class MalformedWireException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MalformedWireException(String message) {
      super(message, null, false, false);
    }
  }
}
