package io.datapusher.worker.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Types: inferred over every value; the first misfit of each type is kept")
class TypesTest {

    @TempDir
    Path dir;

    private ColumnProfile single(String csv) throws AnalysisException {
        Analysis analysis = Fixtures.analyze(dir, csv);
        assertEquals(1, analysis.columns().size());
        return analysis.columns().get(0);
    }

    @Test
    void integersAreInteger() throws Exception {
        ColumnProfile c = single("n\n1\n-2\n+3\n0\n");
        assertEquals(ColumnType.INTEGER, c.inferredType());
        assertEquals(EnumSet.allOf(ColumnType.class).size() - 2, c.fits().size(), "no date, no timestamp");
        assertEquals(4, c.nonEmptyCount());
    }

    @Test
    void leadingZeroCodesStayText() throws Exception {
        ColumnProfile c = single("code\n1\n007\n10\n");
        assertEquals(ColumnType.TEXT, c.inferredType());
        assertEquals(new Misfit("007", 3), c.firstMisfits().get(ColumnType.INTEGER));
        assertEquals(new Misfit("007", 3), c.firstMisfits().get(ColumnType.NUMERIC));
    }

    @Test
    void int4OverflowIsBigintAndInt8OverflowIsNumeric() throws Exception {
        assertEquals(ColumnType.INTEGER, single("n\n2147483647\n-2147483648\n").inferredType());
        assertEquals(ColumnType.BIGINT, single("n\n1\n2147483648\n").inferredType());
        assertEquals(ColumnType.BIGINT, single("n\n-2147483649\n").inferredType());
        assertEquals(ColumnType.BIGINT, single("n\n9223372036854775807\n").inferredType());
        ColumnProfile huge = single("n\n1\n9223372036854775808\n");
        assertEquals(ColumnType.NUMERIC, huge.inferredType());
        assertEquals(new Misfit("9223372036854775808", 3), huge.firstMisfits().get(ColumnType.BIGINT));
    }

    @Test
    void decimalsAreNumeric() throws Exception {
        assertEquals(ColumnType.NUMERIC, single("x\n1\n-12.5\n.5\n5.\n1e5\n1.2E-3\n0.5\n").inferredType());
        assertEquals(ColumnType.TEXT, single("x\n1.5\n007.5\n").inferredType());
        assertEquals(ColumnType.TEXT, single("x\n1.5\n\"1,5\"\n").inferredType(), "no thousands or decimal commas yet");
    }

    @Test
    void isoDatesAreDatesButNotImpossibleOnes() throws Exception {
        assertEquals(ColumnType.DATE, single("d\n2021-01-31\n2020-02-29\n").inferredType());
        ColumnProfile c = single("d\n2021-01-31\n2021-02-30\n");
        assertEquals(ColumnType.TEXT, c.inferredType());
        assertEquals(new Misfit("2021-02-30", 3), c.firstMisfits().get(ColumnType.DATE));
    }

    @Test
    void datesAndTimestampsTogetherAreTimestamps() throws Exception {
        ColumnProfile c = single("t\n2021-01-01\n2021-01-02 10:00\n2021-01-03T10:00:05.25\n");
        assertEquals(ColumnType.TIMESTAMP, c.inferredType());
        assertEquals(new Misfit("2021-01-02 10:00", 3), c.firstMisfits().get(ColumnType.DATE));
    }

    @Test
    void timestampsWithAZoneAreTimestampsButNotMixedWithZonelessOnes() throws Exception {
        assertEquals(ColumnType.TIMESTAMP, single("t\n2021-01-01T10:00:00Z\n").inferredType());
        assertEquals(ColumnType.TIMESTAMP, single("t\n2021-01-01 10:00:00+02:00\n").inferredType());
        ColumnProfile mixed = single("t\n2021-01-01 10:00:00+02:00\n2021-01-01 10:00:00\n");
        assertEquals(ColumnType.TEXT, mixed.inferredType());
        assertEquals(new Misfit("2021-01-01 10:00:00", 3), mixed.firstMisfits().get(ColumnType.TIMESTAMP));
    }

    @Test
    void onlyEmptyCellsAreNullNotSentinelStrings() throws Exception {
        ColumnProfile c = single("n\n1\n\n2\nNA\n");
        assertEquals(ColumnType.TEXT, c.inferredType());
        assertEquals(new Misfit("NA", 5), c.firstMisfits().get(ColumnType.INTEGER));
        for (String sentinel : new String[] {"null", "-", "N/A", "NULL"}) {
            assertEquals(ColumnType.TEXT, single("n\n1\n" + sentinel + "\n").inferredType(), sentinel);
        }
    }

    @Test
    void emptyAndWhitespaceOnlyCellsDoNotAffectTheType() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "n,m\n1,a\n,b\n   ,c\n 42 ,d\n");
        ColumnProfile n = analysis.columns().get(0);
        assertEquals(ColumnType.INTEGER, n.inferredType());
        assertEquals(2, n.nonEmptyCount());
    }

    @Test
    void anAllEmptyColumnIsTextYetFitsAnyOverride() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "a,empty\n1,\n2, \n");
        ColumnProfile empty = analysis.columns().get(1);
        assertEquals("empty", empty.id());
        assertEquals(ColumnType.TEXT, empty.inferredType());
        assertEquals(0, empty.nonEmptyCount());
        assertEquals(EnumSet.allOf(ColumnType.class), empty.fits());
        assertEquals(Map.of(), empty.firstMisfits());
    }

    @Test
    void textAlwaysFitsAndMisfitsCoverEveryOtherType() throws Exception {
        ColumnProfile c = single("x\nhello\n");
        assertEquals(Set.of(ColumnType.TEXT), c.fits());
        assertEquals(EnumSet.complementOf(EnumSet.of(ColumnType.TEXT)), c.firstMisfits().keySet());
        assertTrue(c.fits(ColumnType.TEXT));
        assertFalse(c.fits(ColumnType.NUMERIC));
    }

    @Test
    void theWholeFileCountsNotASample() throws Exception {
        StringBuilder csv = new StringBuilder("n\n");
        for (int i = 0; i < 20_000; i++) {
            csv.append(i).append('\n');
        }
        csv.append("oops\n");
        ColumnProfile c = single(csv.toString());
        assertEquals(ColumnType.TEXT, c.inferredType());
        assertEquals(new Misfit("oops", 20_002), c.firstMisfits().get(ColumnType.INTEGER));
    }

    @Test
    void theOldConstructorLeavesTheCountUnknown() {
        ColumnProfile c = new ColumnProfile("a", "a", 0, EnumSet.allOf(ColumnType.class), Map.of());
        assertEquals(ColumnProfile.UNKNOWN_COUNT, c.nonEmptyCount());
        assertEquals(ColumnType.INTEGER, c.inferredType());
    }
}
