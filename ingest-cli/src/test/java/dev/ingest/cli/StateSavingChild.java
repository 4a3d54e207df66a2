package dev.ingest.cli;

import dev.ingest.PipelineState;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * The child JVM of {@link StateFileKillTest}: a training job that saves its state after every
 * step. It runs {@code ingest run --max-batches 1 --save-state STATE --digest-log LOG} in this
 * process again and again, each run resuming from the state the last one saved (when there is
 * one), and after each prints the position the state now names and the batch's digest, until a
 * run finds no batch left.
 */
final class StateSavingChild {
  /** What every progress line starts with. */
  static final String PROGRESS = "at ";
  static final String STARTING = PROGRESS + "start";
  /** A batch's line: this, the batches delivered in all, a space, and the batch's digest. */
  static final String BATCH = PROGRESS + "batch ";
  static final String END = PROGRESS + "end";

  private StateSavingChild() {}

  /** @param args the pipeline file, the data folder, the state file and the digest log */
  public static void main(String[] args) throws IOException {
    Path state = Path.of(args[2]);
    Path log = Path.of(args[3]);
    System.out.println(STARTING);
    System.out.flush();
    while (true) {
      List<String> run = new ArrayList<>(List.of("run", args[0],
          "--set", "source.tfrecord.files.0=" + args[1], "--max-batches", "1",
          "--save-state", state.toString(), "--digest-log", log.toString()));
      if (Files.exists(state)) {
        run.addAll(List.of("--resume", state.toString()));
      }
      CommandLine commandLine = IngestCommand.newCommandLine();
      commandLine.setOut(new PrintWriter(Writer.nullWriter()));
      commandLine.setErr(new PrintWriter(System.out, true));
      int exitCode = commandLine.execute(run.toArray(String[]::new));
      if (exitCode != ExitCode.OK) {
        System.out.println("exit " + exitCode);
        System.exit(exitCode);
      }
      List<String> digests = Files.readAllLines(log);
      if (digests.isEmpty()) {
        System.out.println(END);
        return;
      }
      long delivered = PipelineState.fromBytes(Files.readAllBytes(state)).batchesDelivered();
      System.out.println(BATCH + delivered + " " + digests.get(0));
      System.out.flush();
    }
  }
}
