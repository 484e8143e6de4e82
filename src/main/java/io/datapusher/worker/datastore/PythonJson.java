package io.datapusher.worker.datastore;

import java.util.Map;

/**
 * Writes JSON exactly as Python's {@code json.dumps(obj, ensure_ascii=False)} does, because CKAN
 * writes Data Dictionary comments that way and curators' tools compare them as text.
 */
final class PythonJson {

    private PythonJson() {
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
