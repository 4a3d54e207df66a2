package dev.ingest.tfrecord;

import static dev.ingest.tfrecord.TFRecordFormat.FOOTER_BYTES;
import static dev.ingest.tfrecord.TFRecordFormat.FRAMING_BYTES;
import static dev.ingest.tfrecord.TFRecordFormat.HEADER_BYTES;

import dev.ingest.CorruptRecordException;
import dev.ingest.CorruptionPolicy;
import dev.ingest.RecordProblem;
import dev.ingest.RecordProblem.Kind;
import dev.ingest.RecordReadException;
import io.netty.buffer.ByteBuf;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import java.util.zip.ZipException;

/**
 * Reads the records of one TFRecord file, plain or GZIP/ZLIB compressed, checking both masked
 * CRC32Cs of each record (or, with {@link TFRecordReaderOptions#deferDataCrc()}, the length CRC
 * only, handing the stored data CRC to the caller to check).
 *
 * <p>Records are read from the file's channel (a {@link FileChannel} on the local disk; for a
 * file in an object store, the store's channel reading ahead as the options' {@link
 * TFRecordReaderOptions#readAhead()} says: see {@link StoragePaths}) into a pooled direct {@link
 * ByteBuf} (the "chunk") and handed out without copying:
 *
 * <pre>
 *   chunk:  [ consumed | hdr | record 7 | crc | hdr | record 8 ... | free space ]
 *                             ^ next() returns a slice here
 * </pre>
 *
 * <h2>Ownership</h2>
 *
 * {@link #next()} returns a slice of the chunk that the caller does <em>not</em> own: it is valid
 * until the next call to {@link #next()}, {@link #advance()} or {@link #close()}. A caller that
 * wants to keep a record longer calls {@code retain()} on it (and later {@code release()}): the
 * reader sees the chunk is still referenced and moves on to a fresh chunk instead of overwriting
 * it, so retained records stay valid, still without a copy. {@link #close()} gives the chunk
 * back to the options' {@link TFRecordReaderOptions#readBuffers() read buffers} for the next
 * reader, or, while retained records hold it, releases the reader's own reference only: they
 * keep it alive until they are released.
 *
 * <p>{@link #advance()} is the allocation-free form: it moves to the next record and exposes it as
 * {@link #buffer()}, {@link #recordStart()} and {@link #recordLength()} without making a slice.
 *
 * <h2>Errors</h2>
 *
 * A clean end of file is only at a header boundary. Everything else is a {@link RecordProblem}
 * with the file, the record's byte offset (in the decompressed stream for compressed files), its
 * index and its kind: under {@link CorruptionPolicy#FAIL} it is thrown as a {@link
 * CorruptRecordException} and the reader stays failed (later calls throw it again); under {@link
 * CorruptionPolicy#SKIP} it goes to the options' listener and reading continues with the next
 * record, or ends this file when the framing cannot be trusted. Bytes that cannot be read at all
 * (a store still failing after its retries) are a problem of kind {@link Kind#READ_ERROR} at the
 * record they cut: under {@code FAIL} thrown as a {@link RecordReadException}, an I/O failure;
 * under {@code SKIP} the rest of the file is skipped, like a truncation. A record longer than {@code
 * maxRecordBytes} is rejected from its header, before anything is allocated for it.
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * A reader is for one thread at a time (no internal synchronisation); hand it between threads
 * only with a happens-before edge (a Disruptor sequence, a lock, a volatile write and read).
 * Retained record slices may be read from any thread. {@link #close()} is idempotent.
 */
public final class TFRecordReader implements AutoCloseable {
  /** The unit the kernel copies a file by: see {@link #lead}. */
  private static final int PAGE = 4096;
  /** Read buffers at least this large are aligned (see {@link #alignReads}). */
  static final int ALIGNED_READS_FROM_BYTES = 16 * PAGE;
  private final Path file;
  private final TFRecordReaderOptions options;
  private final SeekableByteChannel fileChannel;
  /** A local file's channel as long as the file was when opened; null for a store's. */
  private final LengthAtOpen localFile;
  private ReadableByteChannel source;
  /** Null until {@link #ensureDetected()} has read the first bytes of a store's file. */
  private Compression compression;
  private final CRC32C crc = new CRC32C();

  /** Readable bytes start at the next unread header; {@code chunkOffset} is their stream offset. */
  private ByteBuf chunk;
  private long chunkOffset;
  private boolean endOfStream;
  private boolean finished;
  private IOException failure;
  private StreamError streamError;
  private long streamErrorOffset;
  private boolean closed;
  /**
   * Whether reads keep each byte at the same offset within a page as in the file (plain files:
   * the kernel copies straight from the page cache into the chunk). See {@link #lead}.
   */
  private final boolean alignReads;

  private long recordIndex;
  private long recordOffset = -1;
  private int recordStart;
  private int recordLength;
  private int recordMaskedDataCrc;
  private long recordsRead;
  private long problems;

  private TFRecordReader(Path file, TFRecordReaderOptions options) throws IOException {
    this.file = file;
    this.options = options;
    this.fileChannel = openOrSkip(file, options);
    boolean opened = false;
    try {
      this.localFile = fileChannel instanceof FileChannel local
          ? new LengthAtOpen(local) : null;
      // A local file's first bytes are read at once. A store's would wait for their first
      // byte's latency: opening returns at once, its channel asking for its first blocks, and
      // the first read detects the compression (see ensureDetected).
      if (options.compression() != Compression.AUTO || fileChannel instanceof FileChannel) {
        ensureDetected();
      }
      // A lead of up to a page shortens a read by at most 1/16 from read buffers of 64 KiB up.
      // In smaller ones it would take much of each read.
      this.alignReads = compression == Compression.NONE && fileChannel instanceof FileChannel
          && options.readBufferSize() >= ALIGNED_READS_FROM_BYTES;
      int capacity = options.readBufferSize();
      this.chunk = options.readBuffers().allocate(capacity);
      int lead = lead(chunk, 0, HEADER_BYTES);
      chunk.setIndex(lead, lead);
      opened = true;
    } finally {
      if (!opened) {
        fileChannel.close();
      }
    }
  }

  /**
   * The file's channel; under {@link CorruptionPolicy#SKIP}, for a file that cannot be opened (gone
   * since it was listed, unreadable), a channel of no bytes, with a {@link Kind#READ_ERROR} at its
   * first record to report: the file is skipped and counted, as one that cannot be read from
   * some byte on is. Under {@code FAIL} the open's own exception names the file.
   */
  private SeekableByteChannel openOrSkip(Path file, TFRecordReaderOptions options)
      throws IOException {
    try {
      return StoragePaths.openForReading(file, options.readAhead());
    } catch (ClosedChannelException | InterruptedIOException e) {
      throw e; // the reader is being closed or interrupted: not a problem of the file
    } catch (IOException e) {
      if (options.onCorrupt() != CorruptionPolicy.SKIP) {
        throw e;
      }
      streamError = new StreamError(Kind.READ_ERROR, "cannot open the file: " + e, e);
      streamErrorOffset = 0;
      endOfStream = true;
      return new NoBytes();
    }
  }

  /** The channel of a file that could not be opened: empty. */
  private static final class NoBytes implements SeekableByteChannel {
    private boolean open = true;

    @Override
    public int read(ByteBuffer target) {
      return -1;
    }

    @Override
    public int write(ByteBuffer source) {
      throw new UnsupportedOperationException("read only");
    }

    @Override
    public long position() {
      return 0;
    }

    @Override
    public SeekableByteChannel position(long newPosition) {
      return this;
    }

    @Override
    public long size() {
      return 0;
    }

    @Override
    public SeekableByteChannel truncate(long size) {
      throw new UnsupportedOperationException("read only");
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() {
      open = false;
    }
  }

  /** Opens {@code file} with the default options. The caller owns the reader and must close it. */
  public static TFRecordReader open(Path file) throws IOException {
    return open(file, TFRecordReaderOptions.defaults());
  }

  /** Opens {@code file}. The caller owns the reader and must close it. */
  public static TFRecordReader open(Path file, TFRecordReaderOptions options) throws IOException {
    return new TFRecordReader(file, options);
  }

  /**
   * Reads the next record and returns a slice of it, or {@code null} at the end of the file. The
   * caller does not own the slice; see the class comment for how long it stays valid.
   *
   * @throws CorruptRecordException under {@link CorruptionPolicy#FAIL}, on the first problem
   * @throws IOException if the file cannot be read
   */
  public ByteBuf next() throws IOException {
    return advance() ? chunk.slice(recordStart, recordLength) : null;
  }

  /**
   * Moves to the next record without allocating, or returns {@code false} at the end of the file.
   * The record is then {@link #recordLength()} bytes of {@link #buffer()} from {@link
   * #recordStart()}, valid until the next call.
   */
  public boolean advance() throws IOException {
    ensureOpen();
    if (failure != null) {
      throw failure;
    }
    ensureDetected();
    while (!finished) {
      long offset = chunkOffset;
      if (!fill(HEADER_BYTES)) {
        if (streamError != null) {
          reportStreamError(offset);
        } else if (chunk.isReadable()) {
          report(Kind.TRUNCATED, offset,
              "the file ends inside a record header (" + chunk.readableBytes() + " of "
                  + HEADER_BYTES + " bytes)");
        } else {
          finished = true;
        }
        continue;
      }
      int header = chunk.readerIndex();
      long length = chunk.getLongLE(header);
      if (options.verifyCrc()) {
        int expected = chunk.getIntLE(header + 8);
        int actual = LengthCrc.masked(length);
        if (actual != expected) {
          report(Kind.LENGTH_CRC, offset, crcDetail("length", expected, actual));
          continue;
        }
      }
      if (length < 0 || length > options.maxRecordBytes()) {
        report(Kind.TOO_LARGE, offset,
            "length " + Long.toUnsignedString(length) + " is above the limit of "
                + options.maxRecordBytes() + " bytes");
        if (!finished) {
          skipOversizedRecord(offset, length);
        }
        continue;
      }
      int dataLength = (int) length;
      if (!fill(FRAMING_BYTES + dataLength)) {
        if (streamError != null) {
          reportStreamError(offset);
          continue;
        }
        int dataPresent = Math.min(chunk.readableBytes() - HEADER_BYTES, dataLength);
        report(Kind.TRUNCATED, offset,
            dataPresent < dataLength
                ? "the file ends inside the data (" + dataPresent + " of " + dataLength + " bytes)"
                : "the file ends inside the data CRC");
        continue;
      }
      // Filling may have moved the bytes to the front of the chunk or to a new chunk.
      int data = chunk.readerIndex() + HEADER_BYTES;
      int storedDataCrc = chunk.getIntLE(data + dataLength);
      if (options.verifyCrc() && !options.deferDataCrc()) {
        int actual = maskedCrc(data, dataLength);
        if (actual != storedDataCrc) {
          report(Kind.DATA_CRC, offset, crcDetail("data", storedDataCrc, actual));
          consume(FRAMING_BYTES + dataLength);
          continue;
        }
      }
      consume(FRAMING_BYTES + dataLength);
      recordOffset = offset;
      recordStart = data;
      recordLength = dataLength;
      recordMaskedDataCrc = storedDataCrc;
      recordsRead++;
      return true;
    }
    return false;
  }

  /**
   * Moves the reader to the record whose header starts at {@code offset} in the (decompressed)
   * stream, as if {@code recordsBefore} records had been read before it: the next {@link
   * #advance()} reads that record. This is how a resumed pipeline starts reading a file in the
   * middle ({@link #nextRecordOffset()} gives where to come back to).
   *
   * <p>A plain file is repositioned, forward or back, with no reading (or within the bytes already
   * read). A compressed stream cannot be entered in the middle: the reader decompresses and
   * discards every byte up to {@code offset}, so a seek costs a read of the file up to there, and
   * a seek backward is refused. An offset that is not a record boundary reads as a corrupt record
   * there, as any bad framing does.
   *
   * @throws IllegalArgumentException if {@code offset} or {@code recordsBefore} is negative, or
   *     the seek goes backward in a compressed stream
   */
  public void seek(long offset, long recordsBefore) throws IOException {
    ensureOpen();
    if (failure != null) {
      throw failure;
    }
    if (offset < 0 || recordsBefore < 0) {
      throw new IllegalArgumentException("cannot seek " + file + " to offset " + offset
          + " after " + recordsBefore + " records");
    }
    ensureDetected();
    long readableEnd = chunkOffset + chunk.readableBytes();
    if (offset >= chunkOffset && offset <= readableEnd) {
      chunk.readerIndex(chunk.readerIndex() + (int) (offset - chunkOffset));
      chunkOffset = offset;
    } else if (compression == Compression.NONE) {
      if (localFile != null) {
        localFile.position(offset);
      } else {
        fileChannel.position(offset);
      }
      if (chunk.refCnt() != 1) {
        // A caller still holds a record in this chunk: refill a fresh one, never overwrite it.
        ByteBuf fresh = options.readBuffers().allocate(chunk.capacity());
        options.readBuffers().giveBack(chunk);
        chunk = fresh;
      }
      int lead = lead(chunk, offset, HEADER_BYTES);
      chunk.setIndex(lead, lead);
      chunkOffset = offset;
      endOfStream = false;
      finished = false;
    } else if (offset > readableEnd) {
      discardUpTo(offset);
    } else {
      throw new IllegalArgumentException("cannot seek " + file + " back to offset " + offset
          + " from " + chunkOffset + ": its " + compression.wireName() + " stream reads only"
          + " forward");
    }
    recordIndex = recordsBefore;
    recordsRead = recordsBefore;
    recordOffset = -1;
  }

  /**
   * Offset in the (decompressed) stream of the header of the next record {@link #advance()}
   * would read: where a reader {@link #seek seeks} to continue after the current record.
   */
  public long nextRecordOffset() {
    return chunkOffset;
  }

  /** Decompresses and drops bytes until {@code offset}, or the end of the stream, is reached. */
  private void discardUpTo(long offset) throws IOException {
    while (chunkOffset < offset) {
      if (!chunk.isReadable() && !fill(1)) {
        return; // the stream ended (or broke) first: the next advance() reports what it finds
      }
      int step = (int) Math.min(offset - chunkOffset, chunk.readableBytes());
      chunk.readerIndex(chunk.readerIndex() + step);
      chunkOffset += step;
    }
  }

  /** The buffer that holds the current record; the reader owns it (see {@link #advance()}). */
  public ByteBuf buffer() {
    return chunk;
  }

  /** Index in {@link #buffer()} of the current record's first data byte. */
  public int recordStart() {
    return recordStart;
  }

  /** Length in bytes of the current record's data. */
  public int recordLength() {
    return recordLength;
  }

  /**
   * The masked CRC32C stored after the current record's data, as read from the file. The reader
   * has checked the data against it unless the options defer that check ({@link
   * TFRecordReaderOptions#deferDataCrc()}) or turn CRCs off; a caller that defers checks it with
   * {@link MaskedCrc32c} over the record's bytes and reports a mismatch as {@link #dataCrcProblem}.
   */
  public int recordMaskedDataCrc() {
    return recordMaskedDataCrc;
  }

  /**
   * The problem this reader reports for a record whose data does not match its stored CRC, for a
   * caller that checks deferred data CRCs itself: the same kind, place and words, so a failure
   * reads the same wherever the check ran.
   *
   * @param offset the record's byte offset ({@link #recordOffset()})
   * @param recordIndex the record's index in its file (under {@link CorruptionPolicy#FAIL}, the
   *     records returned before it)
   */
  public static RecordProblem dataCrcProblem(Path file, long offset, long recordIndex,
      int storedMaskedCrc, int computedMaskedCrc) {
    return new RecordProblem(file, offset, recordIndex, Kind.DATA_CRC,
        crcDetail("data", storedMaskedCrc, computedMaskedCrc));
  }

  /**
   * The problem this reader reports for a record whose length CRC does not match, for a reader
   * that checks records it reads otherwise (by index): the same kind, place and words.
   */
  public static RecordProblem lengthCrcProblem(Path file, long offset, long recordIndex,
      int storedMaskedCrc, int computedMaskedCrc) {
    return new RecordProblem(file, offset, recordIndex, Kind.LENGTH_CRC,
        crcDetail("length", storedMaskedCrc, computedMaskedCrc));
  }

  /** Byte offset of the current record's header in the (decompressed) stream; -1 before the first. */
  public long recordOffset() {
    return recordOffset;
  }

  /**
   * Records returned so far. Under {@link CorruptionPolicy#SKIP} this leaves out skipped records,
   * which {@link #problems()} counts.
   */
  public long recordsRead() {
    return recordsRead;
  }

  /** Problems reported so far (at most one under {@link CorruptionPolicy#FAIL}). */
  public long problems() {
    return problems;
  }

  /** The file's compression, as given or as detected (reading the first bytes if not yet). */
  public Compression compression() throws IOException {
    ensureDetected();
    return compression;
  }

  /**
   * Settles the compression and the stream to read: as the options say, or detected from the
   * file's first bytes. A store that cannot return them is the first record's problem, under
   * the policy, as a failure to return any later byte would be.
   */
  private void ensureDetected() throws IOException {
    if (source != null) {
      return;
    }
    Compression detected = options.compression();
    if (detected == Compression.AUTO) {
      try {
        detected = Compression.detect(fileChannel);
      } catch (ClosedChannelException | InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        detected = Compression.NONE;
        streamError = new StreamError(Kind.READ_ERROR, "reading failed: " + e.getMessage(), e);
        streamErrorOffset = 0;
        endOfStream = true;
      }
    }
    compression = detected;
    source = CompressedStreams.readable(localFile != null ? localFile : fileChannel, compression);
  }

  /** The file being read. */
  public Path file() {
    return file;
  }

  /** Gives back the reader's buffer (see the class comment) and closes the file. Idempotent. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    options.readBuffers().giveBack(chunk);
    try {
      if (source != null) {
        source.close();
      }
    } finally {
      fileChannel.close();
    }
  }

  // ---- reading -----------------------------------------------------------------------------

  /**
   * Makes at least {@code needed} bytes readable in the chunk, reading as needed. Returns false
   * when the stream ends first (what was read stays readable).
   */
  private boolean fill(int needed) throws IOException {
    while (chunk.readableBytes() < needed) {
      if (endOfStream) {
        return false;
      }
      // A header's length is only a claim: grow toward it no faster than bytes arrive (at most
      // doubling what is held), so a file that ends early never makes the reader allocate what
      // it claimed. A record that fits the read buffer is unaffected.
      long arrived = Math.max(options.readBufferSize(), 2L * chunk.readableBytes());
      makeRoom((int) Math.min(needed, arrived));
      int toRead = Math.min(options.readBufferSize(), chunk.writableBytes());
      int writerIndex = chunk.writerIndex();
      // internalNioBuffer reuses one ByteBuffer view per chunk: no allocation per read.
      ByteBuffer target = chunk.internalNioBuffer(writerIndex, toRead);
      int read = readSource(target);
      if (read < 0) {
        endOfStream = true;
      } else {
        chunk.writerIndex(writerIndex + read);
      }
    }
    return true;
  }

  /**
   * Reads into {@code target}; returns the bytes read or -1 at the end of the stream. A broken
   * compressed stream also ends it, keeping the bytes decompressed before the break: the records
   * they hold are still returned, and the break is reported where the framing reaches it.
   */
  private int readSource(ByteBuffer target) throws IOException {
    int start = target.position();
    try {
      return source.read(target);
    } catch (ZipException e) {
      streamError = new StreamError(Kind.BAD_COMPRESSION,
          "the " + compression.wireName() + " stream is invalid: " + e.getMessage(), e);
    } catch (LengthAtOpen.ShrunkException e) {
      streamError = new StreamError(Kind.TRUNCATED, e.getMessage(), e);
    } catch (EOFException e) {
      streamError = new StreamError(Kind.TRUNCATED,
          "the " + compression.wireName() + " stream ends before its end marker", e);
    } catch (ClosedChannelException | InterruptedIOException e) {
      throw e; // the reader is being closed or interrupted: not a problem of the file
    } catch (IOException e) {
      streamError = new StreamError(Kind.READ_ERROR, "reading failed: " + e.getMessage(), e);
    }
    streamErrorOffset = chunkOffset + chunk.readableBytes() + (target.position() - start);
    int salvaged = target.position() - start;
    if (salvaged > 0) {
      chunk.writerIndex(chunk.writerIndex() + salvaged);
    }
    return -1;
  }

  private void reportStreamError(long recordOffset) throws IOException {
    String where = compression == Compression.NONE
        ? " (at byte " + streamErrorOffset + ")" : " at decompressed offset " + streamErrorOffset;
    report(streamError.kind, recordOffset, streamError.detail + where, streamError.cause);
    finished = true;
  }

  /** A failure of the decompressor, held until the framing needs the bytes it could not give. */
  private record StreamError(Kind kind, String detail, Throwable cause) {}

  /**
   * Ensures the chunk can hold {@code needed} bytes from its reader index. Compacts in place when
   * nobody else holds the chunk; otherwise (a caller retained a record) moves the unread bytes to
   * a fresh chunk so that the retained records are never overwritten.
   */
  private void makeRoom(int needed) {
    if (chunk.capacity() - chunk.readerIndex() >= needed && chunk.isWritable()) {
      return;
    }
    // An aligned chunk needs up to a page of lead besides the bytes needed: a read buffer holds it
    // for records up to a page shorter than itself; a chunk grown for a longer one gets it added.
    long room = alignReads ? (long) needed + PAGE : needed;
    int capacity = (int) Math.min(Math.max(room, options.readBufferSize()), Integer.MAX_VALUE);
    boolean shared = chunk.refCnt() != 1;
    boolean wrongSize = chunk.capacity() < capacity || chunk.capacity() > 4L * capacity;
    int readable = chunk.readableBytes();
    if (!shared && !wrongSize) {
      int lead = lead(chunk, chunkOffset, needed);
      if (lead > chunk.readerIndex()) {
        // Moving the bytes forward over themselves is not a safe copy (and a lead that large
        // leaves too little room anyway: the chunk is nearly all one unread record).
        lead = 0;
      }
      chunk.setBytes(lead, chunk, chunk.readerIndex(), readable);
      chunk.setIndex(lead, lead + readable);
      return;
    }
    ByteBuf fresh = options.readBuffers().allocate(capacity);
    int lead = lead(fresh, chunkOffset, needed);
    fresh.setIndex(lead, lead);
    fresh.writeBytes(chunk, chunk.readerIndex(), readable);
    options.readBuffers().giveBack(chunk);
    chunk = fresh;
  }

  /**
   * The index in {@code buffer} for the byte at stream offset {@code offset}: one at the same
   * offset within a page as that byte has in the file, so that every later read lands that way
   * too, or 0 when reads are not aligned or the lead would leave less than {@code needed} bytes.
   *
   * <p>Why: the kernel's copy from the page cache is several times slower into memory 8 or 16
   * bytes past the file's own offset within a page than into memory at that offset. Netty's
   * pooled direct memory starts 16 bytes past a page boundary, and files are read from offset 0:
   * without a lead, the first read of every file would take the slow copy, and later reads would
   * land wherever the last compaction left them. {@code ReadOffsetProbe} measures the copy at
   * each shift and {@code FileOpenProbe} a file's first record (benchmarks/README.md; their runs
   * are in benchmarks/LOG.md).
   */
  private int lead(ByteBuf buffer, long offset, int needed) {
    if (!alignReads || !buffer.hasMemoryAddress()) {
      return 0;
    }
    int lead = (int) Math.floorMod(offset - buffer.memoryAddress(), (long) PAGE);
    return buffer.capacity() - lead >= needed ? lead : 0;
  }

  private void consume(int bytes) {
    // fill() made the bytes readable; skipBytes would check that, and the buffer's liveness, again.
    chunk.readerIndex(chunk.readerIndex() + bytes);
    chunkOffset += bytes;
    recordIndex++;
  }

  /** Under SKIP, steps over a record too large to hold, without allocating for it. */
  private void skipOversizedRecord(long offset, long length) throws IOException {
    long remaining = HEADER_BYTES + length + FOOTER_BYTES;
    if (length < 0 || remaining < 0) {
      // No file holds 2^63 bytes: this length cannot be skipped, so the file ends here.
      finished = true;
      return;
    }
    while (remaining > 0) {
      if (!chunk.isReadable() && !fill(1)) {
        if (streamError != null) {
          reportStreamError(offset);
        } else {
          report(Kind.TRUNCATED, offset,
              "the file ends inside an oversized record (" + remaining + " bytes missing)");
        }
        return;
      }
      int step = (int) Math.min(remaining, chunk.readableBytes());
      chunk.skipBytes(step);
      chunkOffset += step;
      remaining -= step;
    }
    recordIndex++;
  }

  private int maskedCrc(int index, int length) {
    crc.reset();
    crc.update(chunk.internalNioBuffer(index, length));
    return MaskedCrc32c.mask((int) crc.getValue());
  }

  private static String crcDetail(String what, int expected, int actual) {
    return what + " CRC mismatch (stored " + hex(expected) + ", computed " + hex(actual) + ")";
  }

  private static String hex(int value) {
    return String.format("0x%08x", value);
  }

  // ---- problems ----------------------------------------------------------------------------

  private void report(Kind kind, long offset, String detail) throws IOException {
    report(kind, offset, detail, null);
  }

  private void report(Kind kind, long offset, String detail, Throwable cause)
      throws IOException {
    RecordProblem problem = new RecordProblem(file, offset, recordIndex, kind, detail);
    problems++;
    options.problemListener().accept(problem);
    if (options.onCorrupt() == CorruptionPolicy.FAIL) {
      finished = true;
      failure = kind == Kind.READ_ERROR ? new RecordReadException(problem, cause)
          : new CorruptRecordException(problem, cause);
      throw failure;
    }
    if (!kind.framingIntact()) {
      finished = true;
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("reader of " + file + " is closed");
    }
  }
}
