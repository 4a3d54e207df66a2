/** The user-facing types of ingest: no runtime, no heavy dependencies. */
module dev.ingest.api {
  exports dev.ingest;
  exports dev.ingest.spi;

  uses dev.ingest.spi.PipelineRuntime;
  uses dev.ingest.spi.RowFileFormat;
}
