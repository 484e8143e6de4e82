package io.datapusher.worker.formats;

import java.nio.charset.Charset;
import java.util.Optional;

/**
 * What a curator may fix about reading a delimited text file, instead of having it detected.
 *
 * @param encoding        the character set to decode with; detected when empty
 * @param encodingSetting the setting that named it, for the error when the file does not decode
 * @param delimiter       the field separator; sniffed when empty
 */
public record TextReading(Optional<Charset> encoding, String encodingSetting, Optional<Character> delimiter) {

    public static final TextReading DETECT = new TextReading(Optional.empty(), "", Optional.empty());
}
