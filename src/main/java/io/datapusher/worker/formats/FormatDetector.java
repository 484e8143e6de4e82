package io.datapusher.worker.formats;

import io.datapusher.worker.analyze.AnalysisException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipFile;

/**
 * Decides how to read a file: from the resource's {@code format} (CKAN's field) when it names one,
 * else from the content's first bytes; never from the URL. Whatever the label says, the content
 * has the last word on what cannot be loaded: an HTML page (typically a login or error page served
 * with 200), a binary file, an empty file.
 */
public final class FormatDetector {

    private static final int SNIFF = 8 * 1024;

    /** CKAN's format field as curators and CKAN's own guesser write it, lower case, dot stripped. */
    private static final Map<String, FileFormat> DECLARED = Map.ofEntries(
            Map.entry("csv", FileFormat.DELIMITED), Map.entry("tsv", FileFormat.DELIMITED),
            Map.entry("tab", FileFormat.DELIMITED), Map.entry("psv", FileFormat.DELIMITED),
            Map.entry("txt", FileFormat.DELIMITED), Map.entry("text", FileFormat.DELIMITED),
            Map.entry("text/csv", FileFormat.DELIMITED), Map.entry("text/plain", FileFormat.DELIMITED),
            Map.entry("text/tab-separated-values", FileFormat.DELIMITED),
            Map.entry("xlsx", FileFormat.XLSX),
            Map.entry("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", FileFormat.XLSX),
            Map.entry("xls", FileFormat.XLS), Map.entry("application/vnd.ms-excel", FileFormat.XLS),
            Map.entry("zip", FileFormat.ZIP), Map.entry("application/zip", FileFormat.ZIP));

    private FormatDetector() {
    }

    /**
     * Refuses a resource whose format field names something the worker cannot load (a PDF, an
     * image, JSON), before anything is downloaded. A blank field is left to the file's bytes.
     */
    public static void requireLoadable(String declared) throws AnalysisException {
        String label = normalise(declared);
        if (!label.isEmpty() && !DECLARED.containsKey(label)) {
            throw new AnalysisException("the resource's format is " + declared.trim()
                    + "; the worker loads CSV and other delimited text, XLSX, XLS and ZIP archives holding one of them");
        }
    }

    /**
     * @param declared the resource's format field; blank when the curator left it empty
     */
    public static FileFormat detect(Path file, String declared) throws AnalysisException {
        Magic magic = Magic.of(head(file));
        requireLoadable(declared);
        String label = normalise(declared);
        Optional<FileFormat> fromLabel = Optional.ofNullable(DECLARED.get(label));
        FileFormat fromContent = fromContent(file, magic, fromLabel.orElse(null), declared);
        if (fromLabel.isEmpty()) {
            return fromContent;
        }
        FileFormat expected = fromLabel.get();
        if (expected == fromContent) {
            return expected;
        }
        // A spreadsheet labelled with the other spreadsheet format, or a workbook or archive
        // labelled CSV (CKAN guesses the field from the URL): the bytes say what it is.
        if (fromContent != FileFormat.DELIMITED) {
            return fromContent;
        }
        throw new AnalysisException("the resource's format is " + declared.trim() + " but the file is not a "
                + expected.description() + ": it looks like text");
    }

    private static FileFormat fromContent(Path file, Magic magic, FileFormat expected, String declared)
            throws AnalysisException {
        return switch (magic) {
            case EMPTY -> throw new AnalysisException("the file is empty (0 bytes)");
            case HTML -> throw new AnalysisException("the file is an HTML page, not data: the URL probably "
                    + "leads to a web page (a login, an error or a landing page) rather than to the file itself");
            case ZIP -> isOfficeWorkbook(file, expected, declared) ? FileFormat.XLSX : FileFormat.ZIP;
            case OLE2 -> FileFormat.XLS;
            case BINARY -> throw new AnalysisException("the file is binary (" + describeBinary(file)
                    + "), not delimited text or a spreadsheet the worker can read");
            case TEXT -> FileFormat.DELIMITED;
        };
    }

    /** An OOXML workbook is a ZIP whose parts include the workbook; anything else is a plain archive. */
    private static boolean isOfficeWorkbook(Path file, FileFormat expected, String declared) throws AnalysisException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return zip.getEntry("[Content_Types].xml") != null
                    && (zip.getEntry("xl/workbook.xml") != null || zip.getEntry("xl/workbook.bin") != null);
        } catch (IOException e) {
            String what = expected == null ? "the file starts like a ZIP archive or XLSX workbook"
                    : "the resource's format is " + declared.trim() + " but the file is not a valid " + expected.description();
            throw new AnalysisException(what + ": its ZIP container is broken or truncated (" + e.getMessage() + ")", e);
        }
    }

    static String normalise(String declared) {
        String label = declared == null ? "" : declared.trim().toLowerCase(Locale.ROOT);
        return label.startsWith(".") ? label.substring(1) : label;
    }

    static byte[] head(Path file) throws AnalysisException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(SNIFF);
        } catch (IOException e) {
            throw new AnalysisException("the file could not be read: " + e.getMessage(), e);
        }
    }

    private static String describeBinary(Path file) throws AnalysisException {
        byte[] head = head(file);
        String start = new String(head, 0, Math.min(head.length, 8), StandardCharsets.ISO_8859_1);
        if (start.startsWith("%PDF")) {
            return "a PDF document";
        }
        if (start.startsWith("\u0089PNG")) {
            return "a PNG image";
        }
        if (head.length > 2 && (head[0] & 0xFF) == 0x1F && (head[1] & 0xFF) == 0x8B) {
            return "a gzip file";
        }
        if (head.length > 2 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xD8) {
            return "a JPEG image";
        }
        return "it contains NUL bytes";
    }

    /** What the first bytes of a file say. */
    enum Magic {
        EMPTY, ZIP, OLE2, HTML, BINARY, TEXT;

        static Magic of(byte[] head) {
            if (head.length == 0) {
                return EMPTY;
            }
            if (startsWith(head, 0x50, 0x4B, 0x03, 0x04) || startsWith(head, 0x50, 0x4B, 0x05, 0x06)) {
                return ZIP;
            }
            if (startsWith(head, 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1)) {
                return OLE2;
            }
            if (startsWith(head, 0xFF, 0xFE) || startsWith(head, 0xFE, 0xFF)) {
                return TEXT; // UTF-16 with a BOM: full of NULs, still text for the CSV reader
            }
            if (looksLikeHtml(head)) {
                return HTML;
            }
            for (byte b : head) {
                if (b == 0) {
                    return BINARY;
                }
            }
            if (startsWith(head, 0x25, 0x50, 0x44, 0x46) || startsWith(head, 0x89, 0x50, 0x4E, 0x47)
                    || startsWith(head, 0x1F, 0x8B) || startsWith(head, 0xFF, 0xD8, 0xFF)) {
                return BINARY;
            }
            return TEXT;
        }

        /** HTML by its opening only: a CSV may well mention "<html" in a cell further on. */
        private static boolean looksLikeHtml(byte[] head) {
            String text = new String(head, StandardCharsets.ISO_8859_1);
            if (text.startsWith("\u00EF\u00BB\u00BF")) {
                text = text.substring(3);
            }
            text = text.stripLeading().toLowerCase(Locale.ROOT);
            if (text.startsWith("<?xml")) {
                int end = text.indexOf("?>");
                text = end < 0 ? "" : text.substring(end + 2).stripLeading();
            }
            while (text.startsWith("<!--")) {
                int end = text.indexOf("-->");
                text = end < 0 ? "" : text.substring(end + 3).stripLeading();
            }
            return text.startsWith("<!doctype html") || text.startsWith("<html") || text.startsWith("<head")
                    || text.startsWith("<body") || text.startsWith("<meta") || text.startsWith("<title");
        }

        private static boolean startsWith(byte[] head, int... prefix) {
            if (head.length < prefix.length) {
                return false;
            }
            for (int i = 0; i < prefix.length; i++) {
                if ((head[i] & 0xFF) != prefix[i]) {
                    return false;
                }
            }
            return true;
        }
    }
}
