package io.datapusher.worker.formats;

import java.nio.charset.Charset;

/**
 * How to decode a text file: the character set, and how many bytes of byte order mark to skip
 * first (so a BOM never ends up in a header).
 */
record DetectedEncoding(Charset charset, int bomLength) {

    /** The name for the job record, e.g. {@code UTF-8}, {@code windows-1252}, {@code Big5}. */
    String describe() {
        return charset.name();
    }
}
