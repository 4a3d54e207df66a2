package dev.ingest.runtime.cache;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The right to fill one file cache: an exclusive {@link FileLock} on its lock file. The operating
 * system drops the lock when its process ends, however it ends, so a killed fill leaves no lock
 * behind; the lock file itself stays (deleting it would let two runs lock two different files of
 * one name).
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * File locks belong to the process: within one JVM a second pipeline asking for a lock this JVM
 * holds is refused as a run in another process is ({@link OverlappingFileLockException} is
 * turned into "not acquired"). Not thread-safe; the source thread takes and gives it back.
 */
public final class CacheLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private CacheLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** The lock on {@code file} (created if absent), or {@code null} if another run holds it. */
  public static CacheLock tryAcquire(Path file) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
    FileLock lock = null;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException heldInThisProcess) {
      lock = null;
    } finally {
      if (lock == null) {
        channel.close();
      }
    }
    return lock == null ? null : new CacheLock(channel, lock);
  }

  /** Gives the lock back. */
  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
