package dev.ingest.bench;

import java.io.IOException;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Warms the file into the page cache before each iteration and reports, as the {@code
 * diskReadKiB} counter, how many KiB the whole machine paged in from disk during it (see {@link
 * PageIns}). Zero means no pass of that iteration can have read our file from disk; a figure near
 * the file's size per pass means the "page-cache" numbers are disk numbers and the iteration
 * should be redone.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class DiskReads {
  /** KiB paged in during the iteration; -1 where the count cannot be read. */
  public long diskReadKiB;

  private long pageInsBefore;
  private long fileKiB;

  @Setup(Level.Iteration)
  public void warmAndStart(TFRecordFile file) throws IOException {
    file.warmPageCache();
    fileKiB = file.bytes() / 1024;
    diskReadKiB = 0;
    pageInsBefore = PageIns.kib();
  }

  @TearDown(Level.Iteration)
  public void stop() {
    long after = PageIns.kib();
    diskReadKiB = pageInsBefore < 0 || after < 0 ? -1 : after - pageInsBefore;
    // Other processes page in a few KiB now and then; a pass re-reading our file from disk
    // shows up as a sizeable part of it.
    if (diskReadKiB * 100 >= fileKiB) {
      System.out.println();
      System.out.println("# WARNING: " + diskReadKiB + " KiB paged in from disk during this "
          + "iteration (the file is " + fileKiB + " KiB): redo it if the figure looks low");
    }
  }
}
