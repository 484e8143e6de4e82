package io.datapusher.worker.formats;

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
 * Checks whether a whole file is strict UTF-8. A sniffer that looks only at the first kilobytes
 * would take a file whose single bad byte sits deep inside for UTF-8 (the xloader non-UTF-8 sample
 * has one 0xDA at byte 28,364, on its last line), and the load would then fail half-way through COPY
 * or store a U+FFFD. Streaming keeps memory constant.
 */
final class Utf8Validator {

    private static final int BUFFER_SIZE = 64 * 1024;

    /**
     * @param valid      every byte after {@code skip} is strict UTF-8
     * @param hasText    the decoded text has a non-whitespace character (meaningful when valid)
     * @param badOffset  file offset of the first byte that is not UTF-8, or -1
     */
    record Result(boolean valid, boolean hasText, long badOffset) {
    }

    private Utf8Validator() {
    }

    /** Checks the bytes from {@code skip} (a byte order mark's length) to the end. */
    static Result check(Path file, int skip) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(skip);
            return scan(in, skip);
        }
    }

    private static Result scan(InputStream in, long startOffset) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer bytes = ByteBuffer.allocate(BUFFER_SIZE);
        CharBuffer chars = CharBuffer.allocate(BUFFER_SIZE);
        boolean hasText = false;
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
                hasText |= hasNonWhitespace(chars);
            } while (result.isOverflow());
            if (result.isError()) {
                return new Result(false, hasText, offsetOfBuffer + bytes.position());
            }
            offsetOfBuffer += bytes.position();
            bytes.compact();
        }
        decoder.flush(chars);
        hasText |= hasNonWhitespace(chars);
        return new Result(true, hasText, -1);
    }

    private static boolean hasNonWhitespace(CharBuffer chars) {
        chars.flip();
        boolean found = false;
        while (chars.hasRemaining()) {
            if (!Character.isWhitespace(chars.get())) {
                found = true;
            }
        }
        chars.clear();
        return found;
    }
}
