package io.datapusher.worker.formats;

import com.ibm.icu.text.CharsetDetector;
import com.ibm.icu.text.CharsetMatch;
import io.datapusher.worker.analyze.AnalysisException;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the character set of a text file, in this order:
 * <ol>
 *   <li>a byte order mark decides: UTF-8, UTF-16LE or UTF-16BE (the mark is skipped);</li>
 *   <li>a file that is strict UTF-8 from the first byte to the last is UTF-8 (checked over the whole
 *       file, so one Windows-1252 byte deep in an ASCII file is not missed);</li>
 *   <li>otherwise ICU's charset detector looks at the lines that hold non-ASCII bytes (the only
 *       bytes that tell encodings apart), and its candidates are tried in order of confidence until
 *       one decodes the whole file without a single unmappable byte. Latin-1 comes last: it decodes
 *       any byte, so it is the answer only when nothing stricter fits (e.g. 0x9D, which
 *       Windows-1252 does not define).</li>
 * </ol>
 * Decoding is always strict afterwards, so a wrong guess fails loudly instead of loading U+FFFD.
 */
final class EncodingDetector {

    /** How many bytes of non-ASCII lines the detector gets: plenty to be sure, bounded memory. */
    private static final int SAMPLE_BYTES = 256 * 1024;
    private static final int BUFFER_SIZE = 64 * 1024;
    /** Without a byte order mark, UTF-16/32 is believed only when the detector is fairly sure. */
    private static final int MIN_UNMARKED_UNICODE_CONFIDENCE = 50;
    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    private EncodingDetector() {
    }

    static DetectedEncoding detect(Path file) throws IOException, AnalysisException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(4);
        }
        if (head.length == 0) {
            throw new AnalysisException("the file is empty");
        }
        DetectedEncoding bom = byBom(head);
        if (bom != null && !bom.charset().equals(StandardCharsets.UTF_8)) {
            requireDecodable(file, bom);
            return bom;
        }
        int skip = bom == null ? 0 : bom.bomLength();
        Utf8Validator.Result utf8 = Utf8Validator.check(file, skip);
        if (utf8.valid()) {
            if (!utf8.hasText()) {
                throw new AnalysisException("the file is empty");
            }
            return new DetectedEncoding(StandardCharsets.UTF_8, skip);
        }
        if (bom != null) {
            throw new AnalysisException(String.format("the file starts with a UTF-8 byte order mark but is not "
                    + "UTF-8 (byte at offset %d)", utf8.badOffset()));
        }
        return guess(file);
    }

    /**
     * The encoding a curator named: its own byte order mark is skipped, and the whole file must
     * decode with it, else the job fails naming the setting rather than loading mangled text.
     */
    static DetectedEncoding given(Path file, Charset charset, String settingName) throws IOException, AnalysisException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(4);
        }
        if (head.length == 0) {
            throw new AnalysisException("the file is empty");
        }
        DetectedEncoding bom = byBom(head);
        DetectedEncoding encoding = new DetectedEncoding(charset,
                bom != null && bom.charset().equals(charset) ? bom.bomLength() : 0);
        if (!decodesCleanly(file, encoding)) {
            throw new AnalysisException(settingName + " is \"" + charset.name() + "\" but the file is not valid "
                    + charset.name() + " (leave it unset to detect the encoding)");
        }
        return encoding;
    }

    private static DetectedEncoding byBom(byte[] head) {
        int b0 = head.length > 0 ? head[0] & 0xFF : -1;
        int b1 = head.length > 1 ? head[1] & 0xFF : -1;
        int b2 = head.length > 2 ? head[2] & 0xFF : -1;
        if (b0 == 0xEF && b1 == 0xBB && b2 == 0xBF) {
            return new DetectedEncoding(StandardCharsets.UTF_8, 3);
        }
        if (b0 == 0xFF && b1 == 0xFE) {
            return new DetectedEncoding(StandardCharsets.UTF_16LE, 2);
        }
        if (b0 == 0xFE && b1 == 0xFF) {
            return new DetectedEncoding(StandardCharsets.UTF_16BE, 2);
        }
        return null;
    }

    private static DetectedEncoding guess(Path file) throws IOException, AnalysisException {
        CharsetDetector detector = new CharsetDetector();
        detector.setText(nonAsciiLines(file));
        Set<Charset> candidates = new LinkedHashSet<>();
        for (CharsetMatch match : detector.detectAll()) {
            Charset charset = javaCharset(match.getName());
            if (charset == null || charset.equals(StandardCharsets.UTF_8)
                    || (match.getName().startsWith("UTF-") && match.getConfidence() < MIN_UNMARKED_UNICODE_CONFIDENCE)) {
                continue;
            }
            if (charset.equals(WINDOWS_1252) || charset.equals(StandardCharsets.ISO_8859_1)) {
                // Western European text. ICU says ISO-8859-1 for most of it; Windows-1252 reads the
                // same bytes the same way and has letters (Š, ž, ’) where Latin-1 has unused control
                // codes, so it goes first. Latin-1 goes right after it, before any other guess: it
                // is the only reading left when a byte Windows-1252 leaves undefined (0x9D) appears.
                candidates.add(WINDOWS_1252);
                candidates.add(StandardCharsets.ISO_8859_1);
            } else {
                candidates.add(charset);
            }
        }
        // Latin-1 decodes any byte, so it is the last resort whatever the detector said.
        candidates.add(StandardCharsets.ISO_8859_1);
        List<String> tried = new ArrayList<>();
        for (Charset charset : candidates) {
            DetectedEncoding encoding = new DetectedEncoding(charset, 0);
            if (decodesCleanly(file, encoding)) {
                return encoding;
            }
            tried.add(charset.name());
        }
        throw new AnalysisException("the file is not UTF-8 and its encoding could not be detected (tried "
                + String.join(", ", tried) + ")");
    }

    private static Charset javaCharset(String icuName) {
        try {
            return Charset.forName(icuName);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The lines of the file that hold a byte of 0x80 or more, up to {@link #SAMPLE_BYTES}. ASCII
     * lines say nothing about the encoding and would only dilute a single telling byte.
     */
    static byte[] nonAsciiLines(Path file) throws IOException {
        ByteArrayOutputStream sample = new ByteArrayOutputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean lineHasHighByte = false;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER_SIZE)) {
            for (int b = in.read(); b >= 0 && sample.size() < SAMPLE_BYTES; b = in.read()) {
                line.write(b);
                lineHasHighByte |= b >= 0x80;
                if (b == '\n' || b == '\r' || line.size() >= SAMPLE_BYTES) {
                    if (lineHasHighByte) {
                        line.writeTo(sample);
                    }
                    line.reset();
                    lineHasHighByte = false;
                }
            }
        }
        if (lineHasHighByte) {
            line.writeTo(sample);
        }
        return sample.toByteArray();
    }

    private static void requireDecodable(Path file, DetectedEncoding encoding) throws IOException, AnalysisException {
        if (!decodesCleanly(file, encoding)) {
            throw new AnalysisException("the file starts with a " + encoding.describe()
                    + " byte order mark but is not valid " + encoding.describe());
        }
    }

    /** Whether the whole file decodes strictly, with no unmappable or malformed byte. */
    static boolean decodesCleanly(Path file, DetectedEncoding encoding) throws IOException {
        char[] buffer = new char[BUFFER_SIZE];
        try (Reader in = open(file, encoding)) {
            while (in.read(buffer) >= 0) {
                // reading is the check
            }
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** Strict decoding after the byte order mark: an undecodable byte is an error, never U+FFFD. */
    static Reader open(Path file, DetectedEncoding encoding) throws IOException {
        InputStream in = Files.newInputStream(file);
        try {
            in.skipNBytes(encoding.bomLength());
            CharsetDecoder decoder = encoding.charset().newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            return new java.io.InputStreamReader(in, decoder);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }
}
