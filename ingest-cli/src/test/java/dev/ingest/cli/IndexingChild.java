package dev.ingest.cli;

import dev.ingest.tfrecord.index.RecordIndex;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * The child JVM of {@link IndexKillTest}: deletes the record indexes of a folder of shards and
 * writes them again, over and over in this process, by turns with {@code ingest index} and with a
 * run whose source says {@code index: build}, and says so after each.
 */
final class IndexingChild {
  static final String PROGRESS = "at ";
  static final String STARTING = PROGRESS + "start";
  static final String INDEXED = PROGRESS + "indexed";

  private IndexingChild() {}

  /** @param args the pipeline file (a global shuffle that builds missing indexes), the shards */
  public static void main(String[] args) throws IOException {
    Path data = Path.of(args[1]);
    System.out.println(STARTING);
    System.out.flush();
    for (long round = 0; ; round++) {
      deleteIndexes(data);
      String[] command = round % 2 == 0
          ? new String[] {"index", data.toString()}
          : new String[] {"run", args[0], "--set", "source.tfrecord.files.0=" + data,
              "--max-batches", "1"};
      CommandLine commandLine = IngestCommand.newCommandLine();
      commandLine.setOut(new PrintWriter(Writer.nullWriter()));
      commandLine.setErr(new PrintWriter(System.out, true));
      int exitCode = commandLine.execute(command);
      if (exitCode != ExitCode.OK) {
        System.out.println("exit " + exitCode);
        System.exit(exitCode);
      }
      System.out.println(INDEXED);
      System.out.flush();
    }
  }

  static void deleteIndexes(Path data) throws IOException {
    try (Stream<Path> files = Files.list(data)) {
      for (Path file : files.toList()) {
        if (file.getFileName().toString().endsWith(RecordIndex.SUFFIX)) {
          Files.delete(file);
        }
      }
    }
  }
}
