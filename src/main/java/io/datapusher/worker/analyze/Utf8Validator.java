package io.datapusher.worker.analyze;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks that a whole file is UTF-8 before anything else reads it. A sniffer that looks only at
 * the first kilobytes would accept files whose single bad byte sits deep inside (the xloader
 * non-UTF-8 sample has one 0xDA at byte 28,364, on its last line), and the load would then fail
 * half-way through COPY with a message nobody can act on. Streaming keeps memory constant.
 */
final class Utf8Validator {

    static final int BOM_LENGTH = 3;

    private static final int BUFFER_SIZE = 64 * 1024;

    /** What the check learnt on the way: whether there is a UTF-8 byte order mark to skip. */
    record Result(boolean bom) {
    }

    private Utf8Validator() {
    }

    static Result validate(Path file) throws AnalysisException, IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(BOM_LENGTH);
            rejectUtf16(head);
            boolean bom = isUtf8Bom(head);
            ByteBuffer bytes = ByteBuffer.allocate(BUFFER_SIZE);
            if (!bom) {
                bytes.put(head);
            }
            scan(in, bytes, bom ? BOM_LENGTH : 0);
            return new Result(bom);
        }
    }

    private static void rejectUtf16(byte[] head) throws AnalysisException {
        if (head.length >= 2) {
            int b0 = head[0] & 0xFF;
            int b1 = head[1] & 0xFF;
            if ((b0 == 0xFE && b1 == 0xFF) || (b0 == 0xFF && b1 == 0xFE)) {
                throw new AnalysisException("the file is UTF-16 (it starts with a UTF-16 byte order mark); "
                        + "UTF-16 is not supported yet, please save it as UTF-8");
            }
        }
    }

    private static boolean isUtf8Bom(byte[] head) {
        return head.length == BOM_LENGTH
                && (head[0] & 0xFF) == 0xEF && (head[1] & 0xFF) == 0xBB && (head[2] & 0xFF) == 0xBF;
    }

    /**
     * @param bytes       buffer in write mode, possibly holding bytes already read
     * @param startOffset file offset of the first byte in {@code bytes}
     */
    private static void scan(InputStream in, ByteBuffer bytes, long startOffset)
            throws AnalysisException, IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer chars = CharBuffer.allocate(BUFFER_SIZE);
        TextStats stats = new TextStats();
        long offsetOfBuffer = startOffset;
        boolean endOfInput = false;
        while (!endOfInput) {
            int read = in.read(bytes.array(), bytes.position(), bytes.remaining());
            if (read < 0) {
                endOfInput = true;
            } else {
                bytes.position(bytes.position() + read);
            }
            bytes.flip();
            CoderResult result;
            do {
                result = decoder.decode(bytes, chars, endOfInput);
                stats.consume(chars);
            } while (result.isOverflow());
            if (result.isError()) {
                long offset = offsetOfBuffer + bytes.position();
                int bad = bytes.get(bytes.position()) & 0xFF;
                throw new AnalysisException(String.format(
                        "the file is not valid UTF-8 (byte 0x%02X at offset %d, line %d); "
                                + "other encodings are not supported yet",
                        bad, offset, stats.line()));
            }
            offsetOfBuffer += bytes.position();
            bytes.compact();
        }
        decoder.flush(chars);
        stats.consume(chars);
        if (!stats.sawText) {
            throw new AnalysisException("the file is empty");
        }
    }

    /** Line and emptiness bookkeeping over the decoded text, so the error can name a line. */
    private static final class TextStats {
        private long lineBreaks;
        private boolean lastWasCr;
        private boolean sawText;

        void consume(CharBuffer chars) {
            chars.flip();
            while (chars.hasRemaining()) {
                char c = chars.get();
                if (c == '\r' || (c == '\n' && !lastWasCr)) {
                    lineBreaks++;
                }
                lastWasCr = c == '\r';
                if (!sawText && !Character.isWhitespace(c)) {
                    sawText = true;
                }
            }
            chars.clear();
        }

        long line() {
            return lineBreaks + 1;
        }
    }
}
