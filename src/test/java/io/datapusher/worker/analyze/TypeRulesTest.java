package io.datapusher.worker.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("A single value fits a type when PostgreSQL reads it the way a person does")
class TypeRulesTest {

    @ParameterizedTest(name = "\"{0}\": integer={1} bigint={2} numeric={3}")
    @DisplayName("integers, bigints and numerics: no leading zeros, int4 and int8 bounds")
    @CsvSource(delimiter = '|', value = {
            "0|true|true|true",
            "-0|true|true|true",
            "+5|true|true|true",
            "42|true|true|true",
            "-17|true|true|true",
            "007|false|false|false",
            "-007|false|false|false",
            "00|false|false|false",
            "2147483647|true|true|true",
            "2147483648|false|true|true",
            "-2147483648|true|true|true",
            "-2147483649|false|true|true",
            "9223372036854775807|false|true|true",
            "9223372036854775808|false|false|true",
            "-9223372036854775808|false|true|true",
            "-9223372036854775809|false|false|true",
            "123456789012345678901234567890|false|false|true",
            "-12.5|false|false|true",
            ".5|false|false|true",
            "5.|false|false|true",
            "0.5|false|false|true",
            "-.5|false|false|true",
            "007.5|false|false|false",
            "1e5|false|false|true",
            "1.2E-3|false|false|true",
            "1E+10|false|false|true",
            "1e1000|false|false|true",
            "1e1001|false|false|false",
            "1e|false|false|false",
            ".|false|false|false",
            "-|false|false|false",
            "1,000|true|true|true",
            "1,00|false|false|false",
            "1,000,000.5|false|false|true",
            "1 000|false|false|false",
            "NaN|false|false|false",
            "Infinity|false|false|false",
            "0x1F|false|false|false",
            "١٢|false|false|false",
            "12a|false|false|false",
    })
    void numbers(String value, boolean integer, boolean bigint, boolean numeric) {
        assertEquals(integer, TypeRules.fits(ColumnType.INTEGER, value), "integer");
        assertEquals(bigint, TypeRules.fits(ColumnType.BIGINT, value), "bigint");
        assertEquals(numeric, TypeRules.fits(ColumnType.NUMERIC, value), "numeric");
    }

    @ParameterizedTest(name = "\"{0}\": date={1} timestamp={2}")
    @DisplayName("dates and timestamps with the default conventions: real calendar days, month-first slashes")
    @CsvSource(delimiter = '|', value = {
            "2021-02-28|true|true",
            "2020-02-29|true|true",
            "2021-02-29|false|false",
            "2021-02-30|false|false",
            "2021-13-01|false|false",
            "2021-00-10|false|false",
            "0000-01-01|false|false",
            "2021-1-01|false|false",
            "21-01-01|false|false",
            "01/02/2021|true|true",
            "13/02/2021|false|false",
            "2021-01-01 00:00|false|true",
            "2021-01-01T23:59|false|true",
            "2021-01-01 12:30:45|false|true",
            "2021-01-01T12:30:45.123456|false|true",
            "2021-01-01 24:00:00|false|false",
            "2021-01-01 12:60|false|false",
            "2021-01-01 12:30:60|false|false",
            "2021-01-01 12:30:45.|false|false",
            "2021-01-01 12|false|false",
            "2021-01-01T12:30:45Z|false|true",
            "2021-01-01 12:30:45+02:00|false|true",
            "2021-02-30 12:00|false|false",
            "2021-01-01x12:00|false|false",
            "2021-01|true|true",
            "2021-13|false|false",
    })
    void datesAndTimestamps(String value, boolean date, boolean timestamp) {
        assertEquals(date, TypeRules.fits(ColumnType.DATE, value), "date");
        assertEquals(timestamp, TypeRules.fits(ColumnType.TIMESTAMP, value), "timestamp");
    }

    @ParameterizedTest(name = "\"{0}\" with a decimal {1} is {2}")
    @DisplayName("numbers in either style become plain PostgreSQL numbers; anything unclean is not a number")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "1,234|POINT|1234",
            "-1,234,567.25|POINT|-1234567.25",
            "1234.5|POINT|1234.5",
            "1,23|POINT|null",
            "1,2345|POINT|null",
            "01,234|POINT|null",
            "1.234,5|COMMA|1234.5",
            "1234,5|COMMA|1234.5",
            "-0,25|COMMA|-0.25",
            "1.234|COMMA|1234",
            "12.5|COMMA|null",
            "1e5|COMMA|null",
            "1.234.567|COMMA|1234567",
    })
    void numberStyles(String value, String style, String canonical) {
        NumberStyle numberStyle = style.equals("POINT") ? NumberStyle.DECIMAL_POINT : NumberStyle.DECIMAL_COMMA;
        assertEquals(canonical, TypeRules.number(value, numberStyle));
    }

    @ParameterizedTest(name = "\"{0}\" ({1}) is {2}")
    @DisplayName("dates and timestamps in their canonical form; zones converted to UTC")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "03/04/2021|MDY|2021-03-04",
            "03/04/2021|DMY|2021-04-03",
            "31/04/2021|DMY|null",
            "5 March 2021|MDY|2021-03-05",
            "05-Mar-2021|MDY|2021-03-05",
            "5 Marchy 2021|MDY|null",
            "2021-03|MDY|2021-03-01",
            "2021-03-05T07:08|MDY|2021-03-05 07:08",
            "3/5/2021 7:08:09 PM|MDY|2021-03-05 19:08:09",
            "3/5/2021 12:00 AM|MDY|2021-03-05 00:00",
            "3/5/2021T07:08|MDY|null",
            "2021-03-05T07:08:09.5Z|MDY|2021-03-05 07:08:09.5",
            "2021-03-05 01:00:00+0200|MDY|2021-03-04 23:00:00",
            "2021-03-05 23:00-05|MDY|2021-03-06 04:00",
            "2021-03-05 13:00 PM|MDY|null",
    })
    void canonicalDatesAndTimestamps(String value, DateOrder order, String canonical) {
        TypeRules.Timestamp timestamp = TypeRules.timestamp(value, order);
        assertEquals(canonical, timestamp == null ? null : timestamp.canonical());
    }

    @ParameterizedTest(name = "\"{0}\" proves {1}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "25/12/2021|DMY", "12/25/2021|MDY", "03/04/2021|null", "25/12/2021 10:00|DMY", "2021-12-25|null",
    })
    void slashDateEvidence(String value, DateOrder proven) {
        assertEquals(proven, TypeRules.slashDateEvidence(value));
    }
}
