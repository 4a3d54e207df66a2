/**
 * Records from files: which files an epoch reads ({@code EpochFiles}), the cursors over one file
 * ({@code RecordCursor}, {@code FileCursor}, {@code ReadAheadCursor} with its {@code ReaderPool}
 * and {@code RecordBlock}s), tf.data's interleave over them ({@code InterleavedRecords}), the
 * {@code RecordCache} interface a cache serves records through, one id over every record of the
 * shards, from their record indexes ({@code IndexedShards}), and records in a global order over
 * them ({@code OrderedRecords}): in place from mapped local files ({@code MappedRecords}), or
 * read in coalesced spans ({@code CoalescedRecords}, {@code CoalescedReads}, {@code
 * CoalescedChunk}, {@code SpanChannels}).
 *
 * <p><b>Threads:</b> the source thread ({@code ingest-source}) owns every cursor; {@code
 * ReadAheadCursor}'s reader half runs on the {@code ingest-read} threads of a {@code ReaderPool};
 * {@code CoalescedRecords} reads its spans on its own {@code ingest-read-global} threads; {@code
 * IndexedShards.load} loads and builds indexes on {@code ingest-index} threads that have ended
 * when it returns.
 *
 * <p><b>May use:</b> shuffle (the epoch's file order), concurrent. <b>Not</b> cache: the caches
 * implement {@code RecordCache}, and the cache package makes them ({@code RecordCaches.of}).
 */
package dev.ingest.runtime.read;
