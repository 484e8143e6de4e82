package io.datapusher.worker.formats;

import io.datapusher.worker.analyze.Cells;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Picks the delimiter of a CSV file from {@code ,} {@code ;} tab and {@code |}.
 *
 * <p>The rule: parse the start of the file (at most {@code sampleChars} characters and
 * {@code sampleRecords} non-blank records) once per candidate, honouring quotes, so a delimiter
 * inside a quoted cell does not count. For each candidate take the most common field count among
 * those records (the larger one when two are equally common); a candidate whose most common count
 * is 1 (it does not split the typical record) is out. The candidate whose most common count is
 * shared by the most records wins; ties go to the earlier candidate in the order
 * {@code , ; tab |}, so comma wins whenever the evidence is even. When no candidate splits
 * anything the file has a single column and comma is as good as any.
 *
 * <p>Consistency, rather than the raw number of delimiter characters, is what matters: a
 * semicolon file with decimal commas has many commas but a varying number of them per line.
 * When the sample is cut off mid-file its last record may be partial, so it is left out.
 */
final class DelimiterSniffer {

    static final char[] CANDIDATES = {',', ';', '\t', '|'};

    private final int sampleChars;
    private final int sampleRecords;

    DelimiterSniffer(int sampleChars, int sampleRecords) {
        this.sampleChars = sampleChars;
        this.sampleRecords = sampleRecords;
    }

    /** Reads the sample from {@code in} (which the caller closes) and picks the delimiter. */
    char sniff(Reader in) throws IOException {
        char[] buffer = new char[sampleChars];
        int length = 0;
        while (length < sampleChars) {
            int read = in.read(buffer, length, sampleChars - length);
            if (read < 0) {
                break;
            }
            length += read;
        }
        boolean truncated = length == sampleChars && in.read() >= 0;
        return sniff(new String(buffer, 0, length), truncated);
    }

    char sniff(String sample, boolean truncated) {
        char best = CANDIDATES[0];
        int bestScore = 0;
        for (char candidate : CANDIDATES) {
            int score = consistency(fieldCounts(sample, candidate, truncated));
            if (score > bestScore) {
                best = candidate;
                bestScore = score;
            }
        }
        return best;
    }

    private List<Integer> fieldCounts(String sample, char delimiter, boolean truncated) {
        CSVFormat format = CsvDialect.strictCsvFormat(delimiter);
        List<Integer> counts = new ArrayList<>();
        try (CSVParser parser = CSVParser.parse(new StringReader(sample), format)) {
            for (CSVRecord record : parser) {
                if (!Cells.allEmpty(record.toList())) {
                    counts.add(record.size());
                }
                if (counts.size() > sampleRecords) {
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Quotes that do not parse with this delimiter (e.g. "a";"b" read with ',') are
            // evidence against it: keep only what parsed before the failure.
            truncated = true;
        }
        if (truncated && !counts.isEmpty()) {
            counts.remove(counts.size() - 1);
        }
        return counts.size() > sampleRecords ? counts.subList(0, sampleRecords) : counts;
    }

    /** Records sharing the most common field count, or 0 when that count is 1. */
    private static int consistency(List<Integer> counts) {
        Map<Integer, Integer> frequency = new HashMap<>();
        int modeCount = 0;
        int modeFrequency = 0;
        for (int count : counts) {
            int f = frequency.merge(count, 1, Integer::sum);
            if (f > modeFrequency || (f == modeFrequency && count > modeCount)) {
                modeFrequency = f;
                modeCount = count;
            }
        }
        return modeCount > 1 ? modeFrequency : 0;
    }
}
