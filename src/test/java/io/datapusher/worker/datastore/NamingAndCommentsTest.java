package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.ColumnType;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NamingAndCommentsTest {

    private static final String CONTRACT_RESOURCE = "5b4c3f6e-2d7a-4c1b-9f0e-1a2b3c4d5e6f";

    @Test
    void indexNamesMatchTheContractsWorkedExample() {
        assertEquals("58414937e88c9c8e3138a2634c5ba4eb0e5c74de", IndexNames.ckanName(CONTRACT_RESOURCE, IndexNames.fullTextFields()));
        assertEquals("d4b125f9a3a8ac3da7f3ccbf5a7bfa44bad9641d",
                IndexNames.ckanName(CONTRACT_RESOURCE, IndexNames.ftsFields("english", "name", ColumnType.TEXT)));
        assertEquals("to_tsvector('english', cast(\"n\" AS text))", IndexNames.ftsFields("english", "n", ColumnType.NUMERIC));
    }

    @Test
    void quotesIdentifiersAndLiteralsAndRefusesNul() {
        assertEquals("\"a\"\"; DROP TABLE x; --\"", Sql.quoteIdent("a\"; DROP TABLE x; --"));
        assertEquals("'it''s \\n'", Sql.quoteLiteral("it's \\n"));
        assertThrows(IllegalArgumentException.class, () -> Sql.quoteLiteral("a\0b"));
        assertThrows(IllegalArgumentException.class, () -> Sql.quoteIdent("a\0b"));
    }

    // Expected strings produced by Python 3: json.dumps({"label": s}, ensure_ascii=False) and
    // " " + json.dumps({"_info": {"label": s}}, ensure_ascii=False, separators=(",", ":")).
    @Test
    void labelCommentEscapingMatchesPythonJsonDumpsIn210Format() {
        assertEquals("{\"label\": \"Name\"}", ColumnComments.labelComment("Name", CommentFormat.CKAN_2_10));
        assertEquals("{\"label\": \"say \\\"hi\\\" C:\\\\dir\\nnext\\ttab\\u0001 Zürich 東京 😀 \u2028\u007f\"}",
                ColumnComments.labelComment("say \"hi\" C:\\dir\nnext\ttab\u0001 Zürich 東京 😀 \u2028\u007f", CommentFormat.CKAN_2_10));
        assertEquals("{\"label\": \"\\r\\b\\f\\u001f\"}", ColumnComments.labelComment("\r\b\f\u001f", CommentFormat.CKAN_2_10));
    }

    @Test
    void labelCommentEscapingMatchesPythonJsonDumpsIn211Format() {
        assertEquals(" {\"_info\":{\"label\":\"Name\"}}", ColumnComments.labelComment("Name", CommentFormat.CKAN_2_11));
        assertEquals(" {\"_info\":{\"label\":\"say \\\"hi\\\" C:\\\\dir\\nnext Zürich 😀\"}}",
                ColumnComments.labelComment("say \"hi\" C:\\dir\nnext Zürich 😀", CommentFormat.CKAN_2_11));
    }

    @Test
    void readsTypeOverridesFromBothFormatsAndIgnoresNonJson() {
        assertEquals(Optional.of(ColumnType.NUMERIC),
                ColumnComments.typeOverride("{\"label\": \"A\", \"notes\": \"\", \"type_override\": \"numeric\"}"));
        assertEquals(Optional.of(ColumnType.TIMESTAMP),
                ColumnComments.typeOverride(" {\"_info\":{\"label\":\"A\",\"type_override\":\"timestamp\"},\"tabledesigner\":{}}"));
        assertEquals(Optional.empty(), ColumnComments.typeOverride("{\"label\": \"A\", \"type_override\": \"\"}"));
        assertEquals(Optional.empty(), ColumnComments.typeOverride("just a curator's note, not JSON"));
        assertEquals(Optional.empty(), ColumnComments.typeOverride(null));
    }
}
