/**
 * Row cache files in Apache Arrow's IPC file format. Exports nothing: the runtime finds the
 * format through the API's {@code RowFileFormat} service. Arrow's memory module reads a private field of {@code java.nio.Buffer}, so Java 17 must open
 * {@code java.nio} to it: {@code --add-opens=java.base/java.nio=org.apache.arrow.memory.core} on
 * the module path, {@code --add-opens=java.base/java.nio=ALL-UNNAMED} on the class path (as the
 * tests and the CLI run); see docs/arrow-cache-files.md.
 */
module dev.ingest.arrow {
  requires dev.ingest.api;
  requires org.apache.arrow.vector;
  requires org.apache.arrow.memory.core;
  requires org.apache.arrow.format;
  requires com.fasterxml.jackson.databind;

  provides dev.ingest.spi.RowFileFormat with dev.ingest.arrow.ArrowRowFileFormat;
}
