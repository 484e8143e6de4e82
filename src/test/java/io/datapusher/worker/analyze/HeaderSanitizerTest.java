package io.datapusher.worker.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Headers become column ids CKAN and PostgreSQL accept; labels keep the original text")
class HeaderSanitizerTest {

    @TempDir
    Path dir;

    /** Every id is acceptable on its own, ids are unique, and none exceeds 63 bytes. */
    private static List<String> sanitize(String... headers) {
        List<String> ids = HeaderSanitizer.sanitize(List.of(headers));
        assertEquals(headers.length, ids.size());
        assertEquals(ids.size(), new HashSet<>(ids).size(), "ids are unique: " + ids);
        for (String id : ids) {
            assertTrue(HeaderSanitizer.isAcceptable(id), "acceptable: " + id);
            assertTrue(id.getBytes(StandardCharsets.UTF_8).length <= 63, "at most 63 bytes: " + id);
        }
        return ids;
    }

    @Test
    void validHeadersAreKeptExactlyEvenWithUnicodeCaseSpacesPunctuationAndLeadingDigits() {
        List<String> headers = List.of("Schüler_Total_2010/2011", "Mixed Case", "t^e&m*pe!r(a)t?u:r%%e",
                "🦀 column", "2000", "Rate %", "CTID", "名前", "id");
        assertEquals(headers, sanitize(headers.toArray(String[]::new)));
    }

    @Test
    void duplicatesGetNumberedSuffixes() {
        assertEquals(List.of("name", "name_2", "name_3"), sanitize("name", "name", "name"));
    }

    @Test
    void aGeneratedNameNeverTakesTheNameOfALaterHeader() {
        assertEquals(List.of("a", "a_3", "a_2"), sanitize("a", "a", "a_2"));
        assertEquals(List.of("unnamed_2", "unnamed"), sanitize("", "unnamed"));
        assertEquals(List.of("a_b_2", "a_b"), sanitize("a b ", "a_b"));
    }

    @Test
    void blankHeadersAreNamedUnnamedThenUnnamed2() {
        assertEquals(List.of("unnamed", "x", "unnamed_2", "unnamed_3"), sanitize("", "x", "  ", "\"\""));
    }

    @Test
    void headersLongerThan63BytesAreCutOnACharacterBoundary() {
        String ascii = "x".repeat(70);
        assertEquals(List.of("x".repeat(63)), sanitize(ascii));

        String euros63 = "€".repeat(21); // 63 bytes: fine as it is
        String euros66 = "€".repeat(22); // 66 bytes, only 22 characters: too long for PostgreSQL
        List<String> ids = sanitize(euros63, euros66, euros63);
        assertEquals(euros63, ids.get(0));
        assertEquals("unsafe" + "_".repeat(22), ids.get(1));
        assertEquals("€".repeat(20) + "_2", ids.get(2), "the suffix fits inside 63 bytes, whole characters only");
    }

    @Test
    void longDuplicatesKeepTheSuffixInsideTheCap() {
        String long70 = "abcdefghij".repeat(7);
        assertEquals(List.of("abcdefghij".repeat(7).substring(0, 63), long70.substring(0, 61) + "_2"),
                sanitize(long70, long70));
    }

    @Test
    void aLeadingUnderscoreGetsTheUnsafePrefix() {
        assertEquals(List.of("unsafe_foo", "unsafe_id", "unsafe___"), sanitize("_foo", "_id", "___"));
    }

    @Test
    void doubleQuotesAreTrimmedAtTheEndsAndReplacedInside() {
        assertEquals(List.of("quoted_col", "say__hi", "a_b"), sanitize("\"quoted col\"", "say \"hi\"", "a\"b"));
    }

    @Test
    void leadingAndTrailingWhitespaceIsTrimmed() {
        assertEquals(List.of("col_1", "whitespace", "nbsp"), sanitize(" col 1 ", "whitespace ", "nbsp\u00A0"));
    }

    @Test
    void systemColumnNamesGetTheReservedPrefix() {
        assertEquals(List.of("reserved_ctid", "reserved_xmin", "reserved_xmax", "reserved_cmin",
                "reserved_cmax", "reserved_tableoid", "reserved_ctid_2"),
                sanitize("ctid", "xmin", "xmax", "cmin", "cmax", "tableoid", " ctid"));
    }

    @Test
    void sqlInjectionAttemptsBecomePlainNames() {
        assertEquals(List.of("a___DROP_TABLE_x____"), sanitize("a\"; DROP TABLE x; --"));
    }

    @Test
    @DisplayName("ids never hold Unicode category C (format, private use, unassigned, surrogate), which CKAN 2.12 refuses")
    void invisibleFormatPrivateUseAndUnassignedCharactersAreRewritten() {
        // zero-width space, soft hyphen, LRM, RLM, word joiner, BOM, private use (BMP and plane 15),
        // an unassigned code point and a lone surrogate
        assertEquals(List.of("Name_", "Popu_lation", "a_b", "a_b_2", "x_y", "unsafe_id", "p_q", "r_s", "u_v", "w_z"),
                sanitize("Name\u200B", "Popu\u00ADlation", "a\u200Eb", "a\u200Fb", "x\u2060y", "\uFEFFid", "p\uE000q",
                        "r\uDB80\uDC00s", "u\u0378v", "w\uD800z"));
        assertTrue(HeaderSanitizer.isAcceptable("Zürich 名前 🦀"));
    }

    @Test
    @DisplayName("through the analyzer: a header with an invisible character keeps it in its label")
    void invisibleCharactersStayInTheLabel() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "\"Total\u200B\",\"Popu\u00ADlation\"\n1,2\n");

        assertEquals(List.of("Total\u200B", "Popu\u00ADlation"), Fixtures.labels(analysis));
        assertEquals(List.of("Total_", "Popu_lation"), Fixtures.ids(analysis));
    }

    @Test
    @DisplayName("through the analyzer: every hostile header gets a valid unique id and keeps its label")
    void endToEndLabelsKeepTheOriginalText() throws Exception {
        String longHeader = "Schüler_Sekundarstufe II, Übergangsausbildung Sek I. - Sek. II_2010/2011";
        List<String> headers = List.of("dup", "dup", "", "\"x\"\"y\"", longHeader, "_foo", "ctid",
                "a\"; DROP TABLE x; --");
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < headers.size(); i++) {
            csv.append(i == 0 ? "" : ",").append('"').append(headers.get(i).replace("\"", "\"\"")).append('"');
        }
        csv.append("\n1,2,3,4,5,6,7,8\n");
        Analysis analysis = Fixtures.analyze(dir, csv.toString());

        assertEquals(headers, Fixtures.labels(analysis));
        assertEquals(List.of("dup", "dup_2", "unnamed", "x__y",
                        "Sch_ler_Sekundarstufe_II___bergangsausbildung_Sek_I____Sek__II_",
                "unsafe_foo", "reserved_ctid", "a___DROP_TABLE_x____"),
                Fixtures.ids(analysis));
        for (String id : Fixtures.ids(analysis)) {
            assertTrue(HeaderSanitizer.isAcceptable(id), id);
        }
    }
}
