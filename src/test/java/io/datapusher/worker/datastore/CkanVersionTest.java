package io.datapusher.worker.datastore;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** status_show's ckan_version decides what the load writes the way that CKAN would. */
class CkanVersionTest {

    @Test
    void readsMajorAndMinorFromStatusShowVersions() {
        assertEquals(CkanVersion.of(2, 10), CkanVersion.parse("2.10.10"));
        assertEquals(CkanVersion.of(2, 11), CkanVersion.parse(" 2.11.5 "));
        assertEquals(CkanVersion.of(2, 12), CkanVersion.parse("2.12.0a"));
        assertEquals(CkanVersion.of(2, 11), CkanVersion.parse("2.11"));
        assertEquals(CkanVersion.of(3, 0), CkanVersion.parse("3"));
        assertEquals(CkanVersion.of(0, 0), CkanVersion.parse("master"));
        assertEquals(CkanVersion.of(0, 1), CkanVersion.parse("99999999999.1"));
    }

    @Test
    void commentFormatIsThe211OneFrom211On() {
        assertEquals(CommentFormat.CKAN_2_10, CkanVersion.parse("2.9.11").commentFormat());
        assertEquals(CommentFormat.CKAN_2_10, CkanVersion.parse("2.10.10").commentFormat());
        assertEquals(CommentFormat.CKAN_2_11, CkanVersion.parse("2.11.5").commentFormat());
        assertEquals(CommentFormat.CKAN_2_11, CkanVersion.parse("2.12.0").commentFormat());
        assertEquals(CommentFormat.CKAN_2_11, CkanVersion.parse("3.0.0").commentFormat());
        assertEquals(CommentFormat.CKAN_2_10, CkanVersion.parse("unknown").commentFormat());
    }

    @Test
    void fullTextIndexFieldTypesDefaultToTextUntil211AndToNoneFrom212On() {
        assertEquals(List.of("text", "tsvector"), CkanVersion.parse("2.10.10").defaultFtsFieldTypes());
        assertEquals(List.of("text", "tsvector"), CkanVersion.parse("2.11.5").defaultFtsFieldTypes());
        assertEquals(List.of(), CkanVersion.parse("2.12.0").defaultFtsFieldTypes());
        assertEquals(List.of(), CkanVersion.parse("3.1").defaultFtsFieldTypes());
    }
}
