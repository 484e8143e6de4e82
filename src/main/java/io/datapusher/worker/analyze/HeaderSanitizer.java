package io.datapusher.worker.analyze;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns header texts into DataStore column ids that CKAN and PostgreSQL both accept. A header
 * written over several lines is first made one line ({@link #oneLine}).
 *
 * <p>Ids are always quoted in SQL, so a header that is already acceptable is kept exactly as it is
 * (Unicode, mixed case, spaces, punctuation, a leading digit): renaming it would only make the
 * curator's column harder to recognise. Acceptable means: not empty, no leading or trailing
 * whitespace, no leading {@code _}, no {@code "}, no character of Unicode general category C (CKAN
 * 2.12's {@code is_valid_field_name} refuses controls, format characters such as the zero-width
 * space or a soft hyphen, private-use, unassigned and surrogate code points), at most 63
 * characters and at most 63 UTF-8 bytes, not one of PostgreSQL's system columns, and not the id of
 * an earlier column. (NUL is refused too: PostgreSQL cannot store it.)
 *
 * <p>Any other header is rewritten, adapting DataPusher+'s {@code qsv safenames} rules:
 * <ol>
 *   <li>trim whitespace and {@code "} from both ends;</li>
 *   <li>replace every character that is not an ASCII letter or digit with {@code _};</li>
 *   <li>empty → {@code unnamed};</li>
 *   <li>a name starting with {@code _} gets the prefix {@code unsafe} ({@code _foo} →
 *       {@code unsafe_foo});</li>
 *   <li>a system column name gets the prefix {@code reserved_} ({@code ctid} →
 *       {@code reserved_ctid});</li>
 *   <li>cut to 63 bytes.</li>
 * </ol>
 * A header rejected only for being a duplicate keeps its own text instead (it is acceptable in
 * every other way). Case is kept and a leading digit is not prefixed: both are fine when quoted.
 *
 * <p>Uniqueness: every acceptable first occurrence is reserved before anything is rewritten, so a
 * generated id never takes the name of a later header. A generated id that is already taken gets
 * {@code _2}, {@code _3}, ... with the suffix counted inside the 63-byte cap. The outcome depends
 * only on the headers and their order.
 */
final class HeaderSanitizer {

    static final int MAX_BYTES = 63;
    static final int MAX_CHARS = 63;

    /** Exact names: ids are quoted, so {@code CTID} is a different, harmless identifier. */
    static final Set<String> SYSTEM_COLUMNS = Set.of("ctid", "xmin", "xmax", "cmin", "cmax", "tableoid");

    private HeaderSanitizer() {
    }

    /** The ids for {@code headers}, in the same order, all valid and distinct. */
    static List<String> sanitize(List<String> rawHeaders) {
        List<String> headers = rawHeaders.stream().map(HeaderSanitizer::oneLine).toList();
        Set<String> used = new HashSet<>();
        boolean[] kept = new boolean[headers.size()];
        for (int i = 0; i < headers.size(); i++) {
            String header = headers.get(i);
            if (isAcceptable(header) && used.add(header)) {
                kept[i] = true;
            }
        }
        List<String> ids = new ArrayList<>(headers.size());
        for (int i = 0; i < headers.size(); i++) {
            String header = headers.get(i);
            if (kept[i]) {
                ids.add(header);
                continue;
            }
            String base = isAcceptable(header) ? header : rewrite(header);
            String id = base;
            for (int n = 2; used.contains(id); n++) {
                String suffix = "_" + n;
                id = truncateUtf8(base, MAX_BYTES - suffix.length()) + suffix;
            }
            used.add(id);
            ids.add(id);
        }
        return ids;
    }

    /**
     * A header written over several lines (a spreadsheet cell with Alt+Enter) as one line: each run
     * of whitespace holding a line break, tab or other control character becomes one space. CKAN
     * would take the line break, but a column id nobody can type or see in the UI helps no one.
     * The label keeps the original text.
     */
    static String oneLine(String header) {
        if (header.chars().noneMatch(HeaderSanitizer::isLineControl)) {
            return header;
        }
        StringBuilder line = new StringBuilder(header.length());
        int i = 0;
        while (i < header.length()) {
            int end = i;
            boolean breaksLine = false;
            while (end < header.length() && (header.charAt(end) == ' ' || isLineControl(header.charAt(end)))) {
                breaksLine |= isLineControl(header.charAt(end));
                end++;
            }
            if (end > i) {
                // a run of spaces stays as written; a run holding a line break becomes one space
                line.append(breaksLine ? " " : header.substring(i, end));
                i = end;
            } else {
                line.append(header.charAt(i++));
            }
        }
        return line.toString();
    }

    /** Line breaks, tabs and other control characters; NUL is refused separately. */
    private static boolean isLineControl(int c) {
        return Character.isISOControl(c) && c != '\0';
    }

    /** Whether CKAN and PostgreSQL accept the header as a column id, leaving duplicates aside. */
    static boolean isAcceptable(String header) {
        return !header.isEmpty()
                && header.equals(strip(header, false))
                && !header.startsWith("_")
                && header.indexOf('"') < 0
                && header.indexOf('\0') < 0
                && header.codePoints().noneMatch(HeaderSanitizer::isOtherCategory)
                && header.codePointCount(0, header.length()) <= MAX_CHARS
                && utf8Length(header) <= MAX_BYTES
                && !SYSTEM_COLUMNS.contains(header);
    }

    /**
     * Unicode general category C, as Python's {@code unicodedata.category(c).startswith('C')}. Java
     * 17 knows Unicode 13, as CKAN 2.12's oldest Python (3.10) does; a newer Python assigns more
     * characters, so at worst a header CKAN would take is rewritten.
     */
    private static boolean isOtherCategory(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE, Character.UNASSIGNED -> true;
            default -> false;
        };
    }

    static String rewrite(String header) {
        String trimmed = strip(header, true);
        StringBuilder name = new StringBuilder(trimmed.length());
        trimmed.codePoints().forEach(cp -> name.append(isAsciiLetterOrDigit(cp) ? (char) cp : '_'));
        String result = name.isEmpty() ? "unnamed" : name.toString();
        if (result.startsWith("_")) {
            result = "unsafe" + result;
        }
        if (SYSTEM_COLUMNS.contains(result)) {
            result = "reserved_" + result;
        }
        return truncateUtf8(result, MAX_BYTES);
    }

    /** The longest prefix of {@code s} that fits in {@code maxBytes} UTF-8 bytes, whole characters only. */
    static String truncateUtf8(String s, int maxBytes) {
        int bytes = 0;
        int end = 0;
        while (end < s.length()) {
            int cp = s.codePointAt(end);
            int size = utf8Length(cp);
            if (bytes + size > maxBytes) {
                break;
            }
            bytes += size;
            end += Character.charCount(cp);
        }
        return s.substring(0, end);
    }

    static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static int utf8Length(int codePoint) {
        if (codePoint < 0x80) {
            return 1;
        }
        if (codePoint < 0x800) {
            return 2;
        }
        return codePoint < 0x10000 ? 3 : 4;
    }

    private static boolean isAsciiLetterOrDigit(int cp) {
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    }

    /**
     * Strips what CKAN's Python {@code str.strip()} strips, which is more than Java's
     * {@code strip()} (Python also counts no-break spaces), optionally with double quotes.
     */
    private static String strip(String s, boolean quotesToo) {
        int start = 0;
        int end = s.length();
        while (start < end && isStrippable(s.codePointAt(start), quotesToo)) {
            start += Character.charCount(s.codePointAt(start));
        }
        while (end > start && isStrippable(s.codePointBefore(end), quotesToo)) {
            end -= Character.charCount(s.codePointBefore(end));
        }
        return s.substring(start, end);
    }

    private static boolean isStrippable(int cp, boolean quotesToo) {
        return Cells.isPythonWhitespace(cp) || (quotesToo && cp == '"');
    }
}
