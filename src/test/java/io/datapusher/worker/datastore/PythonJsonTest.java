package io.datapusher.worker.datastore;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every expected string was printed by Python 3.11: {@code json.dumps(json.loads(text),
 * ensure_ascii=False)}, with {@code separators=(",", ":")} for the compact form.
 */
class PythonJsonTest {

    @Test
    void stringsKeepNonAsciiAndEscapeOnlyQuotesBackslashesAndC0Controls() {
        String text = "{\"label\": \"Temp\\u00e9rature \\\"max\\\"\", \"notes\": \"\\u00b0C\\n2nd\\tline \\u2028 \\ud83d\\ude00 \\/ \\u001f \\u007f\","
                + " \"type_override\": \"numeric\"}";
        assertEquals("{\"label\":\"Température \\\"max\\\"\",\"notes\":\"°C\\n2nd\\tline \u2028 \uD83D\uDE00 / \\u001f \u007f\","
                + "\"type_override\":\"numeric\"}", compact(text));
        assertEquals("{\"label\": \"Température \\\"max\\\"\", \"notes\": \"°C\\n2nd\\tline \u2028 \uD83D\uDE00 / \\u001f \u007f\","
                + " \"type_override\": \"numeric\"}", PythonJson.dumps(parse(text), false));
    }

    @Test
    void numbersAreExactIntegersOrPythonFloatsAndNestedValuesKeepTheirOrder() {
        assertEquals("{\"n\":1.5,\"i\":0,\"z\":-0.0,\"big\":123456789012345678901234567890,\"tiny\":1e-07,\"e\":Infinity,"
                        + "\"ne\":-Infinity,\"nan\":NaN,\"list\":[true,false,null,[],{}],\"nested\":{\"b\":2,\"a\":1}}",
                compact("{\"n\": 1.50, \"i\": -0, \"z\": -0.0, \"big\": 123456789012345678901234567890, \"tiny\": 1e-7,"
                        + " \"e\": 1E400, \"ne\": -1e400, \"nan\": NaN, \"list\": [true, false, null, [], {}], \"nested\": {\"b\": 2, \"a\": 1}}"));
    }

    @Test
    void floatsAreWrittenAsPythonsRepr() {
        assertEquals("{\"floats\":[0.1,100.0,1e+16,1000000000000000.0,1.2345678901234568e+17,0.0001,1e-05,5e-324,"
                        + "1.7976931348623157e+308,2.5e-05,1.2345e+100,3e-10,9007199254740993,0.30000000000000004,1e+22,1e+23,2e-323]}",
                compact("{\"floats\": [0.1, 100.0, 1e16, 1e15, 123456789012345678.0, 0.0001, 0.00001, 5e-324,"
                        + " 1.7976931348623157e308, 2.5e-5, 1.2345e100, 3.0e-10, 9007199254740993, 0.30000000000000004, 1e22, 1e23, 2e-323]}"));
    }

    @Test
    void floatReprIsTheShortestRoundTripEvenWhereTheGapBelowIsNarrower() {
        // Powers of two (and their neighbours), where the round-trip interval is lopsided; from Python's repr().
        assertEquals("9007199254740992.0", PythonJson.floatRepr(Math.scalb(1.0, 53)));
        assertEquals("1.1102230246251565e-16", PythonJson.floatRepr(Math.scalb(1.0, -53)));
        assertEquals("8.98846567431158e+307", PythonJson.floatRepr(Math.scalb(1.0, 1023)));
        assertEquals("2.2250738585072014e-308", PythonJson.floatRepr(Double.MIN_NORMAL));
        assertEquals("1.401298464324817e-45", PythonJson.floatRepr(Math.scalb(1.0, -149)));
        assertEquals("-123.456", PythonJson.floatRepr(-123.456));
        // Here the correctly rounded 16-digit decimal falls in the narrow gap below and reads back wrong.
        assertEquals("7.120236347223045e-307", PythonJson.floatRepr(Math.scalb(1.0, -1017)));
        assertEquals("8.209073602596753e-289", PythonJson.floatRepr(Math.scalb(1.0, -957)));
    }

    @Test
    void aRepeatedKeyKeepsItsFirstPlaceAndLastValueAndWhitespaceGoes() {
        assertEquals("{\"dup\":3,\"other\":2}", compact("{\"dup\": 1, \"other\": 2, \"dup\": 3}"));
        assertEquals("{\"spaced\":[1,2]}", compact("{ \"spaced\" :\t[ 1 , 2 ]\n}"));
    }

    @Test
    void textThatJsonLoadsRefusesIsNotParsed() {
        assertTrue(PythonJson.parse("{\"a\": 1} trailing").isEmpty());
        assertTrue(PythonJson.parse("{\"a\": 01}").isEmpty());
        assertTrue(PythonJson.parse("{'a': 1}").isEmpty());
        assertTrue(PythonJson.parse("{\"a\": \"line\nbreak\"}").isEmpty());
        assertTrue(PythonJson.parse("").isEmpty());
    }

    private static JsonNode parse(String text) {
        return PythonJson.parse(text).orElseThrow();
    }

    private static String compact(String text) {
        return PythonJson.dumps(parse(text), true);
    }
}
