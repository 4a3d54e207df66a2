package dev.ingest.tfrecord.faults;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * A real {@link FileChannel} on the default file system, with the faults {@link FaultyDisk}
 * scripts for its file on every read and the disk's space on every write. It is a {@code
 * FileChannel} so that a reader treats it as it treats a local file.
 *
 * <p>Like the JDK's own channel it is interruptible: a read stalled by the script ends with
 * {@link java.nio.channels.AsynchronousCloseException} when another thread closes the channel,
 * and with {@link java.nio.channels.ClosedByInterruptException} when its thread is interrupted.
 */
final class FaultChannel extends FileChannel {
  private final FaultyDisk disk;
  private final Path file;
  private final FileChannel real;
  private final FileFaults faults;
  private volatile Thread stalled;

  FaultChannel(FaultyDisk disk, Path file, FileChannel real) {
    this.disk = disk;
    this.file = file;
    this.real = real;
    this.faults = disk.faultsOf(file);
  }

  Path file() {
    return file;
  }

  @Override
  public int read(ByteBuffer target) throws IOException {
    return read(target, real.position(), true);
  }

  @Override
  public int read(ByteBuffer target, long position) throws IOException {
    return read(target, position, false);
  }

  private int read(ByteBuffer target, long position, boolean moves) throws IOException {
    ensureOpen();
    int allowed = faults.beforeRead(this, position, target.remaining());
    int limit = target.limit();
    target.limit(target.position() + allowed);
    try {
      return moves ? real.read(target) : real.read(target, position);
    } finally {
      target.limit(limit);
    }
  }

  @Override
  public long read(ByteBuffer[] targets, int offset, int length) throws IOException {
    for (int i = offset; i < offset + length; i++) {
      if (targets[i].hasRemaining()) {
        return read(targets[i]);
      }
    }
    return 0;
  }

  @Override
  public int write(ByteBuffer source) throws IOException {
    return write(source, real.position(), true);
  }

  @Override
  public int write(ByteBuffer source, long position) throws IOException {
    return write(source, position, false);
  }

  private int write(ByteBuffer source, long position, boolean moves) throws IOException {
    ensureOpen();
    int allowed = disk.claimSpace(source.remaining());
    int limit = source.limit();
    source.limit(source.position() + allowed);
    try {
      return moves ? real.write(source) : real.write(source, position);
    } finally {
      source.limit(limit);
    }
  }

  @Override
  public long write(ByteBuffer[] sources, int offset, int length) throws IOException {
    for (int i = offset; i < offset + length; i++) {
      if (sources[i].hasRemaining()) {
        return write(sources[i]);
      }
    }
    return 0;
  }

  @Override
  public long position() throws IOException {
    return real.position();
  }

  @Override
  public FileChannel position(long newPosition) throws IOException {
    real.position(newPosition);
    return this;
  }

  @Override
  public long size() throws IOException {
    return real.size();
  }

  @Override
  public FileChannel truncate(long size) throws IOException {
    real.truncate(size);
    return this;
  }

  @Override
  public void force(boolean metaData) throws IOException {
    real.force(metaData);
  }

  /** Through this channel's own reads and writes, so that the faults apply. */
  @Override
  public long transferTo(long position, long count, WritableByteChannel target)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(count, 64 * 1024));
    int read = read(buffer, position);
    if (read <= 0) {
      return 0;
    }
    buffer.flip();
    return target.write(buffer);
  }

  /** Through this channel's own writes, so that a full disk applies. */
  @Override
  public long transferFrom(ReadableByteChannel source, long position, long count)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(count, 64 * 1024));
    int read = source.read(buffer);
    if (read <= 0) {
      return 0;
    }
    buffer.flip();
    long written = 0;
    while (buffer.hasRemaining()) {
      written += write(buffer, position + written);
    }
    return written;
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
    return real.map(mode, position, size);
  }

  @Override
  public FileLock lock(long position, long size, boolean shared) throws IOException {
    return real.lock(position, size, shared);
  }

  @Override
  public FileLock tryLock(long position, long size, boolean shared) throws IOException {
    return real.tryLock(position, size, shared);
  }

  /** Blocks until the channel is closed or the thread interrupted; then throws as the JDK's does. */
  void stall() throws IOException {
    boolean completed = false;
    begin();
    try {
      stalled = Thread.currentThread();
      while (isOpen() && !Thread.currentThread().isInterrupted()) {
        LockSupport.park(this);
      }
    } finally {
      stalled = null;
      end(completed);
    }
  }

  @Override
  protected void implCloseChannel() throws IOException {
    real.close();
    Thread thread = stalled;
    if (thread != null) {
      LockSupport.unpark(thread);
    }
  }

  private void ensureOpen() throws IOException {
    if (!isOpen()) {
      throw new java.nio.channels.ClosedChannelException();
    }
  }
}
