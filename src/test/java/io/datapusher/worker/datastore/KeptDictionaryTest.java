package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.ColumnType;
import io.datapusher.worker.testsupport.CkanRelease;
import io.datapusher.worker.testsupport.ReleaseDatastore;
import io.datapusher.worker.testsupport.TestAnalysis;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What a reload does to the Data Dictionary of columns the live table already has: it keeps what is
 * there, in the format the target CKAN reads.
 */
class KeptDictionaryTest {

    /** Written by CKAN 2.10 or a curator's tool: json.dumps with default separators, an escape, floats. */
    private static final String OLD_FORMAT = "{\"label\": \"Temp\\u00e9rature \\\"max\\\"\", \"notes\": \"\u00b0C / 2\u2009\u00bd\","
            + " \"type_override\": \"\", \"extra\": {\"n\": 1.50, \"e\": 1e-7, \"big\": 12345678901234567890, \"list\": [true, null]}}";
    /** Printed by Python 3.11: ' ' + json.dumps({'_info': json.loads(OLD_FORMAT)}, ensure_ascii=False, separators=(',', ':')). */
    private static final String AS_CKAN_DATASTORE_UPGRADE_WRITES_IT = " {\"_info\":{\"label\":\"Temp\u00e9rature \\\"max\\\"\","
            + "\"notes\":\"\u00b0C / 2\u2009\u00bd\",\"type_override\":\"\",\"extra\":{\"n\":1.5,\"e\":1e-07,\"big\":12345678901234567890,"
            + "\"list\":[true,null]}}}";
    private static final String NEW_FORMAT = " {\"_info\":{\"label\":\"B\",\"notes\":\"kept\"},\"xloader\":{\"strip_extra_white\":true}}";

    @ParameterizedTest
    @EnumSource(CkanRelease.class)
    void aColumnWithoutACommentKeepsNoneWhileANewColumnIsLabelled(CkanRelease release) throws Exception {
        try (ReleaseDatastore ds = ReleaseDatastore.of(release)) {
            ds.load("job-1", columns("a", "b").row("1", "2").build());
            ds.db.writerExecute("COMMENT ON COLUMN " + ds.table + ".\"a\" IS NULL");

            ds.load("job-2", columns("a", "b", "new").row("1", "2", "3").build());

            assertEquals(List.of("a|<null>", "b|" + label(release, "b"), "new|" + label(release, "new")), ds.comments());
        }
    }

    @ParameterizedTest
    @EnumSource(CkanRelease.class)
    void the211FormatLeavesNoColumnInThe210FormatSoCkanDatastoreUpgradeNeverWrapsTwice(CkanRelease release) throws Exception {
        try (ReleaseDatastore ds = ReleaseDatastore.of(release)) {
            ds.load("job-1", columns("a", "b", "c").row("1", "2", "3").build());
            ds.db.writerExecute(
                    "COMMENT ON COLUMN " + ds.table + ".\"a\" IS " + Sql.quoteLiteral(OLD_FORMAT),
                    "COMMENT ON COLUMN " + ds.table + ".\"b\" IS " + Sql.quoteLiteral(NEW_FORMAT),
                    "COMMENT ON COLUMN " + ds.table + ".\"c\" IS 'a note that is not JSON'");

            ds.load("job-2", columns("a", "b", "c", "new").row("1", "2", "3", "4").build());

            boolean writes211 = release.version().commentFormat() == CommentFormat.CKAN_2_11;
            assertEquals(List.of("a|" + (writes211 ? AS_CKAN_DATASTORE_UPGRADE_WRITES_IT : OLD_FORMAT), "b|" + NEW_FORMAT,
                    "c|a note that is not JSON", "new|" + label(release, "new")), ds.comments());
            // ckan datastore upgrade rewrites every column of a table once any comment starts with "{".
            assertEquals(writes211 ? "f" : "t", ds.db.queryOne("SELECT bool_or(substring(pd.description for 1) = '{')"
                    + " FROM pg_description pd WHERE pd.objoid = '" + ds.table + "'::regclass AND pd.objsubid > 0"));
        }
    }

    @ParameterizedTest
    @EnumSource(CkanRelease.class)
    void aCommentThatOnlyLooksLikeJsonIsKeptAsItIs(CkanRelease release) throws Exception {
        try (ReleaseDatastore ds = ReleaseDatastore.of(release)) {
            ds.load("job-1", columns("a").row("1").build());
            ds.db.writerExecute("COMMENT ON COLUMN " + ds.table + ".\"a\" IS '{not json, but a curator''s note}'");

            ds.load("job-2", columns("a").row("1").build());

            assertEquals(List.of("a|{not json, but a curator's note}"), ds.comments());
        }
    }

    private static TestAnalysis columns(String... ids) {
        TestAnalysis analysis = TestAnalysis.builder();
        for (String id : ids) {
            analysis.column(id, id, ColumnType.TEXT);
        }
        return analysis;
    }

    private static String label(CkanRelease release, String label) {
        return release == CkanRelease.CKAN_2_10 ? "{\"label\": \"" + label + "\"}" : " {\"_info\":{\"label\":\"" + label + "\"}}";
    }
}
