package dev.ingest.cli;

import java.io.PrintWriter;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The progress of a run on stderr, drawn by the progressbar library: batches so far, their rate
 * and the records they held, redrawn once a second. On a terminal it is one bar redrawn in
 * place; elsewhere (a log, a test) each redraw is a line of its own, so nothing is overwritten.
 * It never writes to stdout, so a {@code --json} report stays the last line there.
 *
 * <p>Shown only when the command runs on a terminal ({@link System#console()} is not null) or
 * {@code --progress} asks for it (CONTRACTS.md section 2); otherwise every method does nothing.
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * {@link #batch} is called by the one thread that consumes the batches; the library's own
 * thread reads the counts and draws them. {@link #close()} draws the final state, ends the line
 * and stops that thread.
 */
final class RunProgress implements AutoCloseable {
  /** Width of a redraw written as a line of its own, where no terminal says its width. */
  private static final int LINE_WIDTH = 100;

  private final ProgressBar bar;
  private long records;

  private RunProgress(ProgressBar bar) {
    this.bar = bar;
  }

  /**
   * Starts showing progress if {@code requested} or on a terminal.
   *
   * @param err where a non-terminal run writes its lines: the command's stderr
   * @param batches how many batches the run will take, or -1 when unknown
   */
  static RunProgress start(PrintWriter err, boolean requested, String task, long batches) {
    boolean terminal = System.console() != null;
    if (!requested && !terminal) {
      return new RunProgress(null);
    }
    ProgressBarConsumer consumer = terminal
        ? new ConsoleProgressBarConsumer(System.err)
        : new LinePerRedraw(err);
    return new RunProgress(new ProgressBarBuilder()
        .setTaskName(task)
        // Colours and block characters are for a terminal; a log gets plain ASCII.
        .setStyle(terminal ? ProgressBarStyle.COLORFUL_UNICODE_BLOCK : ProgressBarStyle.ASCII)
        .setInitialMax(batches)
        .setUnit(" batches", 1)
        .showSpeed()
        .setConsumer(consumer)
        .build());
  }

  /** Counts one batch of {@code rows} records. */
  void batch(long rows) {
    if (bar != null) {
      records += rows;
      bar.step();
      // The library writes the message straight after the rate.
      bar.setExtraMessage(", " + records + " records");
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }

  /** Each redraw as a line of its own on the command's stderr. */
  private static final class LinePerRedraw implements ProgressBarConsumer {
    private final PrintWriter err;

    LinePerRedraw(PrintWriter err) {
      this.err = err;
    }

    @Override
    public int getMaxRenderedLength() {
      return LINE_WIDTH;
    }

    @Override
    public void accept(String rendered) {
      err.println(rendered);
      err.flush();
    }

    @Override
    public void close() {
      err.flush();
    }
  }
}
