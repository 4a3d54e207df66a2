/**
 * The ring's stages and the event they hand over: {@code SourceTask} (files to work units, with
 * shuffle and the memory budget), {@code ParseWorker} (Example parsing, map and filter), {@code
 * BatchAssemblyTask} (batches from what the filters let through), the ring's event {@code
 * WorkUnit} with its {@code StagedRecords}, the user transforms' {@code TransformChain}, and where
 * a run starts from ({@code ResumePoint}).
 *
 * <p><b>Threads:</b> {@code ingest-source} (one), {@code ingest-parse} (one per worker), {@code
 * ingest-batch} (one, when filters make batches after parsing). A {@code WorkUnit} belongs to one
 * of them at a time, handed over through the ring's sequences.
 *
 * <p><b>May use:</b> read, cache, shuffle, memory, tune (the settings it reads), metrics and
 * concurrent. <b>Not</b> the top {@code dev.ingest.runtime} package: stages learn of the pipeline
 * through their constructors only.
 */
package dev.ingest.runtime.stage;
