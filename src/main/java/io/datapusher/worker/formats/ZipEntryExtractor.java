package io.datapusher.worker.formats;

import io.datapusher.worker.analyze.AnalysisException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Opens a ZIP archive that holds exactly one data file by extracting that file next to the
 * download (same temp-file prefix, so the job's cleanup removes it). The entry is inflated in a
 * stream and stopped as soon as it exceeds {@code INGEST_DOWNLOAD_MAX_BYTES} or inflates more than
 * 100 times its compressed size: a zip bomb fails before the disk fills.
 */
final class ZipEntryExtractor {

    /** The compression ratio beyond which an entry is taken for a bomb (POI's XLSX limit, 1:100). */
    static final long MAX_RATIO = 100;
    /** Below this, ratio is not judged: a small file of repeated text may well compress 1:100. */
    static final long RATIO_GRACE_BYTES = 1024 * 1024;

    record Extracted(Path file, String entryName) {
    }

    private ZipEntryExtractor() {
    }

    static Extracted extractSingle(Path zip, long maxBytes) throws AnalysisException {
        try (ZipFile archive = new ZipFile(zip.toFile())) {
            List<ZipEntry> files = new ArrayList<>();
            Enumeration<? extends ZipEntry> entries = archive.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (!entry.isDirectory() && !isClutter(entry.getName())) {
                    files.add(entry);
                }
            }
            if (files.isEmpty()) {
                throw new AnalysisException("the ZIP archive holds no file");
            }
            if (files.size() > 1) {
                throw new AnalysisException("the ZIP archive holds " + files.size() + " files ("
                        + String.join(", ", files.stream().limit(5).map(ZipEntry::getName).toList())
                        + (files.size() > 5 ? ", ..." : "") + "); the worker opens an archive only when it holds "
                        + "exactly one CSV, XLSX or XLS file");
            }
            ZipEntry entry = files.get(0);
            if (entry.getSize() > maxBytes) {
                throw new AnalysisException("the file " + entry.getName() + " in the ZIP archive is " + entry.getSize()
                        + " bytes, more than INGEST_DOWNLOAD_MAX_BYTES (" + maxBytes + ")");
            }
            return new Extracted(extract(archive, entry, zip, maxBytes), entry.getName());
        } catch (IOException e) {
            throw new AnalysisException("the ZIP archive could not be read: " + e.getMessage(), e);
        }
    }

    private static Path extract(ZipFile archive, ZipEntry entry, Path zip, long maxBytes)
            throws IOException, AnalysisException {
        Path target = Files.createTempFile(zip.toAbsolutePath().getParent(), zip.getFileName() + "-", ".entry");
        long compressed = Math.max(entry.getCompressedSize(), 1);
        long written = 0;
        boolean done = false;
        try (InputStream in = archive.getInputStream(entry); OutputStream out = Files.newOutputStream(target)) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                written += n;
                if (written > maxBytes) {
                    throw new AnalysisException("the file " + entry.getName() + " in the ZIP archive inflates to more "
                            + "than INGEST_DOWNLOAD_MAX_BYTES (" + maxBytes + ")");
                }
                if (written > RATIO_GRACE_BYTES && written / compressed > MAX_RATIO) {
                    throw new AnalysisException("the file " + entry.getName() + " in the ZIP archive inflates more "
                            + "than " + MAX_RATIO + " times its compressed size: refused as a possible zip bomb");
                }
                out.write(buffer, 0, n);
            }
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(target);
            }
        }
        return target;
    }

    /** Files that archivers add on their own and nobody means as data. */
    private static boolean isClutter(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        String base = lower.substring(lower.lastIndexOf('/') + 1);
        return lower.startsWith("__macosx/") || base.equals(".ds_store") || base.equals("thumbs.db")
                || base.equals("desktop.ini");
    }
}
