package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.ColumnType;
import io.datapusher.worker.formats.CsvAnalyzer;
import io.datapusher.worker.testsupport.CkanRelease;
import io.datapusher.worker.testsupport.ReleaseDatastore;
import io.datapusher.worker.testsupport.TestAnalysis;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * xloader's Data Dictionary field {@code strip_extra_white}, kept in the column comment (under
 * {@code "xloader"} from 2.11 on, or in the info itself), strips leading and trailing whitespace
 * from the column's cells the way Python's {@code str.strip()} does unless it is false. Columns
 * without it keep their text exactly.
 */
class StripExtraWhiteTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(CkanRelease.class)
    void xloadersStripExtraWhiteIsHonouredPerColumn(CkanRelease release) throws Exception {
        try (ReleaseDatastore ds = ReleaseDatastore.of(release)) {
            ds.load("job-1", TestAnalysis.builder()
                    .column("a", "a", ColumnType.TEXT).column("b", "b", ColumnType.TEXT)
                    .column("c", "c", ColumnType.TEXT).column("d", "d", ColumnType.TEXT)
                    .row("1", "2", "3", "4").build());
            boolean plugins = release != CkanRelease.CKAN_2_10;
            ds.db.writerExecute(
                    comment(ds, "a", plugins ? " {\"_info\":{\"label\":\"A\"},\"xloader\":{\"strip_extra_white\":true}}"
                            : "{\"label\": \"A\", \"strip_extra_white\": true}"),
                    comment(ds, "b", plugins ? " {\"_info\":{\"label\":\"B\"},\"xloader\":{\"strip_extra_white\":false}}"
                            : "{\"label\": \"B\", \"strip_extra_white\": false}"),
                    comment(ds, "c", plugins ? " {\"_info\":{\"label\":\"C\"}}" : "{\"label\": \"C\"}"),
                    // xloader reads the info's own key first, and tests it for Python truth.
                    comment(ds, "d", plugins ? " {\"_info\":{\"label\":\"D\",\"strip_extra_white\":0},\"xloader\":{\"strip_extra_white\":true}}"
                            : "{\"label\": \"D\", \"strip_extra_white\": 0}"));
            Path file = Files.writeString(dir.resolve("data.csv"),
                    "a,b,c,d\n\"\u00a0\u3000 padded\tvalue \",\" padded \",\" padded \",\" padded \"\n"
                            + "\"\u00a0\",\"\u00a0\",\"\u00a0\",\"\u00a0\"\n", StandardCharsets.UTF_8);

            ds.load("job-2", new CsvAnalyzer().analyze(file));

            // A cell of no-break spaces is empty once stripped, so NULL as in xloader's COPY.
            assertEquals(List.of("[padded\tvalue]|[ padded ]|[ padded ]|[ padded ]", "<null>|[\u00a0]|[\u00a0]|[\u00a0]"),
                    ds.db.query("SELECT '[' || a || ']', '[' || b || ']', '[' || c || ']', '[' || d || ']' FROM " + ds.table
                            + " ORDER BY _id"));
        }
    }

    private static String comment(ReleaseDatastore ds, String column, String comment) {
        return "COMMENT ON COLUMN " + ds.table + "." + Sql.quoteIdent(column) + " IS " + Sql.quoteLiteral(comment);
    }
}
