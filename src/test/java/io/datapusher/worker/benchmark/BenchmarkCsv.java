package io.datapusher.worker.benchmark;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The benchmark's file, shaped as in {@code perf-notes.md}: 8 columns, of which 3 are text, so that
 * CKAN builds 4 GiST indexes. Written as a stream (constant memory at any size) and deterministic:
 * the same seed and row count give the same bytes.
 */
final class BenchmarkCsv {

    /** A column of the file with the type CKAN's DataStore gives it (what the worker must infer). */
    record Column(String name, String type) {
        boolean text() {
            return "text".equals(type);
        }
    }

    static final List<Column> COLUMNS = List.of(
            new Column("id", "integer"),
            new Column("code", "text"),          // "007123": the leading zero keeps it text
            new Column("title", "text"),
            new Column("description", "text"),
            new Column("amount", "numeric"),
            new Column("quantity", "integer"),
            new Column("day", "date"),
            new Column("recorded_at", "timestamp"));

    static final long SEED = 20240610L;

    private static final String[] WORDS = ("river station budget school permit harbour survey council road "
            + "water energy health market transport housing library museum garden forest bridge tunnel "
            + "census district village county region border coast island valley mountain lake canal "
            + "railway airport hospital clinic pharmacy bakery factory warehouse office tower castle "
            + "church temple stadium theatre cinema gallery archive record report summary estimate "
            + "forecast inspection licence grant subsidy contract tender invoice payment refund salary "
            + "pension benefit allowance tax levy tariff duty fine penalty fee charge rate price cost "
            + "annual monthly weekly daily quarterly northern southern eastern western central urban "
            + "rural public private municipal national federal local regional quality safety traffic "
            + "emission noise waste recycling drainage lighting parking cycling walking planning "
            + "building demolition repair maintenance renewal upgrade extension closure opening")
            .split(" ");
    private static final LocalDate FIRST_DAY = LocalDate.of(2000, 1, 1);
    private static final LocalDateTime FIRST_TIME = LocalDateTime.of(2015, 1, 1, 0, 0);
    private static final DateTimeFormatter ISO_SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

    private BenchmarkCsv() {
    }

    /** Writes a header and {@code rows} rows; returns the file's size in bytes. */
    static long write(Path file, long rows, long seed) throws IOException {
        return write(file, seed, rows, Long.MAX_VALUE).bytes();
    }

    /** Writes rows until the file holds at least {@code bytes} bytes. */
    static Written writeAtLeast(Path file, long bytes, long seed) throws IOException {
        return write(file, seed, Long.MAX_VALUE, bytes);
    }

    record Written(long rows, long bytes) {
    }

    private static Written write(Path file, long seed, long maxRows, long minBytes) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder line = new StringBuilder(256);
        long bytes = 0;
        long row = 0;
        try (Writer out = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), 1 << 20)) {
            String header = String.join(",", COLUMNS.stream().map(Column::name).toList()) + "\n";
            out.write(header);
            bytes += header.length();
            while (row < maxRows && bytes < minBytes) {
                row++;
                line.setLength(0);
                appendRow(line, row, random);
                out.append(line);
                bytes += line.length(); // ASCII only: one char is one byte
            }
        }
        return new Written(row, bytes);
    }

    private static void appendRow(StringBuilder line, long id, SplittableRandom random) {
        line.append(id).append(',');
        String code = Integer.toString(random.nextInt(100_000));
        line.append("000000", 0, 6 - code.length()).append(code).append(',');
        words(line, random, 2 + random.nextInt(4), false);
        line.append(',');
        words(line, random, 6 + random.nextInt(11), random.nextInt(10) == 0);
        line.append(',');
        long cents = random.nextLong(10_000_000);
        line.append(cents / 100).append('.').append((char) ('0' + cents % 100 / 10)).append((char) ('0' + cents % 10));
        line.append(',').append(random.nextInt(100_000)).append(',');
        line.append(FIRST_DAY.plusDays(random.nextInt(9_000))).append(',');
        line.append(ISO_SECONDS.format(FIRST_TIME.plusSeconds(random.nextLong(300_000_000L)))).append('\n');
    }

    /** Space-separated words; with {@code comma}, one of them is followed by a comma, so the field is quoted. */
    private static void words(StringBuilder line, SplittableRandom random, int count, boolean comma) {
        int commaAfter = comma ? random.nextInt(count - 1) : -1;
        if (comma) {
            line.append('"');
        }
        for (int i = 0; i < count; i++) {
            line.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
            if (i == commaAfter) {
                line.append(',');
            }
        }
        if (comma) {
            line.append('"');
        }
    }
}
