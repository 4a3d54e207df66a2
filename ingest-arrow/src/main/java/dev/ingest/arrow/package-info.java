/**
 * Apache Arrow's IPC file format for the row cache: {@link dev.ingest.arrow.ArrowRowFileFormat}
 * is the {@link dev.ingest.spi.RowFileFormat} service; {@link dev.ingest.arrow.ArrowRowSchema}
 * maps an {@link dev.ingest.ExampleSpec} to an Arrow schema and back; the writer copies each
 * chunk's columns into Arrow vectors, one record batch per chunk; the reader copies each record
 * batch into 64-byte aligned direct buffers laid out as {@link dev.ingest.Column} says.
 *
 * <p>Writers and readers are confined to one thread each, as the service says. Each owns one
 * Arrow {@code RootAllocator}, closed with it: Arrow's allocator throws on close if any of its
 * buffers is still held, so a leak fails loudly instead of growing.
 *
 * <p>May use: the API, Arrow (vector, memory core, format) and Jackson (which Arrow brings) for
 * the default values in field metadata. Not Netty: Arrow's memory here is arrow-memory-unsafe.
 */
package dev.ingest.arrow;
