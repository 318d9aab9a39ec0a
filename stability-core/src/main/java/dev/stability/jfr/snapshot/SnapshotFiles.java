package dev.stability.jfr.snapshot;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Names snapshot files so that their names sort by time, and keeps at most {@code maxFiles} of
 * them.
 *
 * <p>Nothing a client sent goes into a file name (request ids are attacker text: {@code ../} or a
 * NUL would be a path injection); a name is the UTC time, the process id, a sequence number and the
 * trigger.
 */
final class SnapshotFiles {
  static final String PREFIX = "stability-";
  static final String SUFFIX = ".jfr";
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final Path directory;
  private final int maxFiles;
  private final AtomicLong sequence = new AtomicLong();
  private final long pid = ProcessHandle.current().pid();

  SnapshotFiles(Path directory, int maxFiles) {
    this.directory = directory;
    this.maxFiles = maxFiles;
  }

  /** Returns a fresh path for a snapshot taken now, creating the directory when missing. */
  Path next(SnapshotTrigger trigger, Instant now) throws IOException {
    Files.createDirectories(directory);
    return directory.resolve(
        PREFIX
            + TIME.format(now)
            + "-p"
            + pid
            + "-"
            + String.format("%04d", sequence.incrementAndGet() % 10_000)
            + "-"
            + trigger.tag()
            + SUFFIX);
  }

  /** Deletes the oldest snapshots beyond {@code maxFiles}; returns how many were deleted. */
  int prune() throws IOException {
    List<Path> files = list();
    int deleted = 0;
    for (int i = 0; i < files.size() - maxFiles; i++) {
      if (Files.deleteIfExists(files.get(i))) {
        deleted++;
      }
    }
    return deleted;
  }

  /** Returns the snapshots in the directory, oldest first. */
  List<Path> list() throws IOException {
    List<Path> files = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      return files;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(directory, PREFIX + "*" + SUFFIX)) {
      s.forEach(files::add);
    }
    files.sort(null); // names start with the UTC time, so name order is age order
    return files;
  }
}
