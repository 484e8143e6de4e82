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
}
