package io.datapusher.worker.download;

import java.nio.file.Path;

/** A file streamed to local disk, with the md5 computed on the way and its size in bytes. */
public record DownloadedFile(Path path, String md5, long size, String contentType) {
}
