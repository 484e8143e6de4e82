package io.datapusher.worker.faults;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/** The files the fault scenarios load: a small "old" version and a large "new" one of a resource. */
public final class CsvFiles {

    private CsvFiles() {
    }

    /** The version already live before a fault: 40 rows, four columns. */
    static byte[] old() {
        StringBuilder csv = new StringBuilder("id,name,amount,when\n");
        for (int i = 1; i <= 40; i++) {
            csv.append(i).append(",old row ").append(i).append(',').append(i * 3).append(",2023-01-")
                    .append(String.format("%02d", 1 + i % 28)).append('\n');
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The version being loaded when the fault strikes: {@code rows} rows and a fifth, text column,
     * so that its COPY, its full-text indexes and its swap each take long enough to be caught.
     */
    public static byte[] large(int rows) {
        StringBuilder csv = new StringBuilder(rows * 64).append("id,name,amount,when,note\n");
        for (int i = 1; i <= rows; i++) {
            csv.append(i).append(",name number ").append(i).append(',').append(i % 997).append(",2024-")
                    .append(String.format("%02d", 1 + i % 12)).append('-').append(String.format("%02d", 1 + i % 28))
                    .append(",note ").append(Integer.toHexString(i * 7919)).append(" lorem ipsum\n");
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A small file that loads in a blink. */
    static byte[] small(String tag) {
        return ("id,name,amount\n1," + tag + ",1\n2," + tag + " again,2\n").getBytes(StandardCharsets.UTF_8);
    }

    static String md5(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
