/**
 * tf.data's {@code cache()}: the records of whole files kept in pooled direct memory ({@code
 * MemoryRecordCache}) or in files that later runs reuse ({@code FileRecordCache}, written by
 * {@code CacheFileWriter} under a {@code CacheLock}, described by a {@code CacheManifest} and a
 * {@code CacheFingerprint}, laid out by {@code CacheLayout}, published with {@code AtomicFiles}),
 * and {@code RecordCaches.of}, which picks the one a spec asks for.
 *
 * <p><b>Threads:</b> the source thread ({@code ingest-source}) only; the file lock also guards
 * against other processes.
 *
 * <p><b>May use:</b> read (the {@code RecordCache} interface and file cursors). <b>Not</b> stage,
 * tune or the top package.
 */
package dev.ingest.runtime.cache;
