package dev.ingest.tfrecord.faults;

/** What {@link FaultyDisk} can do to a file or a write; each injection is counted by kind. */
public enum FaultKind {
  /** A read that reaches a chosen byte throws {@code IOException("Input/output error")}. */
  READ_ERROR,
  /** A read returns fewer bytes than asked (at least one), as a channel may. */
  SHORT_READ,
  /** The file is cut shorter, on disk, while a channel has it open. */
  TRUNCATE,
  /** Bytes are appended to the file, on disk, while a channel has it open. */
  GROW,
  /** A file is deleted while the files of an epoch are read. */
  DELETE,
  /** A write finds the disk full: {@code IOException("No space left on device")}. */
  DISK_FULL,
  /** A read is delayed before it returns. */
  SLOW_READ,
  /** A read blocks until its channel is closed or its thread interrupted. */
  STALL
}
