package io.datapusher.worker.formats;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.StringReader;

import static org.junit.jupiter.api.Assertions.assertEquals;

@DisplayName("Delimiter sniffing: the most consistent field count above one wins, ties go to comma")
class DelimiterSnifferTest {

    private final DelimiterSniffer sniffer = new DelimiterSniffer(64 * 1024, 50);

    @Test
    void consistencyBeatsTheNumberOfDelimiters() {
        // commas are there too, but a different number of them on each line
        assertEquals(';', sniffer.sniff("a;b\n1,2,3;4\n5;6,7\n8,9;1\n", false));
    }

    @Test
    void aPartialLastRecordOfACutSampleIsIgnored() throws Exception {
        String sample = "a|b|c\n1|2|3\n4|5|6\n7|8|9\n\"unfinished,,,,,";
        assertEquals('|', sniffer.sniff(sample, true));
        assertEquals('|', new DelimiterSniffer(sample.length(), 50).sniff(new StringReader(sample + "\"|x|y\n")));
    }

    @Test
    void onlyTheFirstRecordsAreConsidered() {
        String tabs = "a\tb\n" + "1\t2\n".repeat(3);
        String commas = "x,y,z\n".repeat(20);
        assertEquals('\t', new DelimiterSniffer(64 * 1024, 4).sniff(tabs + commas, false));
        assertEquals(',', new DelimiterSniffer(64 * 1024, 50).sniff(tabs + commas, false));
    }

    @Test
    void quotesThatOnlyParseWithOneDelimiterPointToIt() {
        assertEquals(';', sniffer.sniff("\"a\";\"b,c\"\n\"1\";\"2,5\"\n", false));
    }

    @Test
    void nothingSplitsMeansComma() {
        assertEquals(',', sniffer.sniff("one column\nvalue\n", false));
    }
}
