package io.datapusher.worker.datastore;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Reads JSON as Python's {@code json.loads} does and writes it exactly as
 * {@code json.dumps(obj, ensure_ascii=False)} does, because CKAN writes Data Dictionary comments
 * that way and curators' tools compare them as text.
 */
final class PythonJson {

    /**
     * Like {@code json.loads}: NaN and Infinity are numbers, anything after the value is an error,
     * a repeated key keeps its first place and its last value, a number with a fraction or an
     * exponent is a binary float and any other number an exact integer.
     */
    private static final JsonMapper PYTHON_LOADS = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private PythonJson() {
    }

    /** The value of a JSON text, or empty where {@code json.loads} would raise. */
    static Optional<JsonNode> parse(String text) {
        try {
            return Optional.ofNullable(PYTHON_LOADS.readTree(text)).filter(node -> !node.isMissingNode());
        } catch (Exception notJson) {
            return Optional.empty();
        }
    }

    /**
     * Any JSON value as {@code json.dumps(value, ensure_ascii=False)} writes it: 2.10's separators
     * {@code ", "} and {@code ": "}, or with {@code compact} 2.11's {@code ","} and {@code ":"};
     * keys in their order, floats as Python's {@code repr}.
     */
    static String dumps(JsonNode value, boolean compact) {
        StringBuilder out = new StringBuilder();
        write(value, compact, out);
        return out.toString();
    }

    private static void write(JsonNode value, boolean compact, StringBuilder out) {
        String itemSeparator = compact ? "," : ", ";
        if (value.isObject()) {
            out.append('{');
            Iterator<Map.Entry<String, JsonNode>> members = value.fields();
            while (members.hasNext()) {
                Map.Entry<String, JsonNode> member = members.next();
                out.append(string(member.getKey())).append(compact ? ":" : ": ");
                write(member.getValue(), compact, out);
                if (members.hasNext()) {
                    out.append(itemSeparator);
                }
            }
            out.append('}');
        } else if (value.isArray()) {
            out.append('[');
            for (int i = 0; i < value.size(); i++) {
                out.append(i == 0 ? "" : itemSeparator);
                write(value.get(i), compact, out);
            }
            out.append(']');
        } else if (value.isTextual()) {
            out.append(string(value.textValue()));
        } else if (value.isIntegralNumber()) {
            out.append(value.bigIntegerValue());
        } else if (value.isNumber()) {
            out.append(floatRepr(value.doubleValue()));
        } else if (value.isBoolean()) {
            out.append(value.booleanValue() ? "true" : "false");
        } else {
            out.append("null");
        }
    }

    /**
     * Python's {@code float.__repr__}, as json.dumps writes floats: the shortest digits that read
     * back as the same double, in positional notation when the decimal exponent is from -4 to 15
     * (with {@code .0} for whole numbers), else as {@code d.ddde+XX}; NaN and the infinities as
     * JavaScript spells them.
     */
    static String floatRepr(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "Infinity" : "-Infinity";
        }
        if (value == 0) {
            return 1 / value < 0 ? "-0.0" : "0.0";
        }
        BigDecimal shortest = shortestRoundTrip(Math.abs(value)).stripTrailingZeros();
        String digits = shortest.unscaledValue().toString();
        int pointAt = digits.length() - shortest.scale();
        StringBuilder out = new StringBuilder(value < 0 ? "-" : "");
        if (pointAt <= -4 || pointAt > 16) {
            out.append(digits.charAt(0));
            if (digits.length() > 1) {
                out.append('.').append(digits, 1, digits.length());
            }
            int exponent = pointAt - 1;
            out.append('e').append(exponent < 0 ? '-' : '+');
            out.append(Math.abs(exponent) < 10 ? "0" : "").append(Math.abs(exponent));
        } else if (pointAt <= 0) {
            out.append("0.").append("0".repeat(-pointAt)).append(digits);
        } else if (pointAt < digits.length()) {
            out.append(digits, 0, pointAt).append('.').append(digits, pointAt, digits.length());
        } else {
            out.append(digits).append("0".repeat(pointAt - digits.length())).append(".0");
        }
        return out.toString();
    }

    /**
     * The decimal with the fewest significant digits that reads back as {@code value}, the closest
     * to it among those. The correctly rounded n-digit decimal is tried first; at a power of two the
     * doubles below are closer together than those above, so its neighbours are tried as well.
     */
    private static BigDecimal shortestRoundTrip(double value) {
        BigDecimal exact = new BigDecimal(value);
        for (int precision = 1; precision < 17; precision++) {
            BigDecimal rounded = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
            if (rounded.doubleValue() == value) {
                return rounded;
            }
            BigDecimal unit = BigDecimal.ONE.scaleByPowerOfTen(-rounded.scale());
            BigDecimal best = null;
            for (BigDecimal neighbour : new BigDecimal[] {rounded.subtract(unit), rounded.add(unit)}) {
                if (neighbour.signum() > 0 && neighbour.doubleValue() == value
                        && (best == null || neighbour.subtract(exact).abs().compareTo(best.subtract(exact).abs()) < 0)) {
                    best = neighbour;
                }
            }
            if (best != null) {
                return best;
            }
        }
        return exact.round(new MathContext(17, RoundingMode.HALF_EVEN));
    }

    /** A JSON object of string values, with Python's separators: 2.10's {@code ", "} / {@code ": "} or 2.11's compact form. */
    static String object(Map<String, ?> members, boolean compact) {
        String itemSeparator = compact ? "," : ", ";
        String keySeparator = compact ? ":" : ": ";
        StringBuilder out = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, ?> member : members.entrySet()) {
            if (!first) {
                out.append(itemSeparator);
            }
            first = false;
            out.append(string(member.getKey())).append(keySeparator);
            Object value = member.getValue();
            if (value instanceof Map<?, ?> nested) {
                @SuppressWarnings("unchecked")
                Map<String, ?> typed = (Map<String, ?>) nested;
                out.append(object(typed, compact));
            } else {
                out.append(string(String.valueOf(value)));
            }
        }
        return out.append('}').toString();
    }

    /** A JSON string: only {@code "}, {@code \} and C0 controls are escaped; everything else is kept. */
    static String string(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
