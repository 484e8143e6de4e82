package io.datapusher.worker.analyze;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Tracks, for one column, the types that every non-NULL value seen so far fits, under each way of
 * reading numbers ({@link NumberStyle}) and slash dates ({@link DateOrder}), and the first value that
 * knocked each type out. The file's conventions are only known at the end, so every reading is
 * kept until then; {@link #fits(Conventions)} answers for the chosen one. Constant memory however
 * many rows: the whole file is checked, never a sample, because one late value that does not fit
 * would fail the load.
 */
final class TypeInference {

    private static final Set<ColumnType> NUMBER_TYPES = EnumSet.of(ColumnType.INTEGER, ColumnType.BIGINT,
            ColumnType.NUMERIC);
    private static final Set<ColumnType> DATE_TYPES = EnumSet.of(ColumnType.DATE, ColumnType.TIMESTAMP);

    private final Map<NumberStyle, Tracker> numbers = new EnumMap<>(NumberStyle.class);
    private final Map<DateOrder, Tracker> dates = new EnumMap<>(DateOrder.class);
    private long nonEmptyCount;
    private int dayFirstEvidence;
    private int monthFirstEvidence;
    /** First zoned and first zone-less timestamp: a column with both cannot be one timestamp column. */
    private Misfit firstZoned;
    private Misfit firstUnzoned;

    TypeInference() {
        for (NumberStyle style : NumberStyle.values()) {
            numbers.put(style, new Tracker(NUMBER_TYPES));
        }
        for (DateOrder order : DateOrder.values()) {
            dates.put(order, new Tracker(DATE_TYPES));
        }
    }

    /** @param value a non-NULL cell as written in the file */
    void accept(String value, long line) {
        nonEmptyCount++;
        String stripped = value.strip();
        for (Map.Entry<NumberStyle, Tracker> entry : numbers.entrySet()) {
            NumberStyle style = entry.getKey();
            entry.getValue().check(value, line, type -> TypeRules.fits(type, stripped, style, DateOrder.MDY));
        }
        for (Map.Entry<DateOrder, Tracker> entry : dates.entrySet()) {
            DateOrder order = entry.getKey();
            Tracker tracker = entry.getValue();
            tracker.check(value, line, type -> type == ColumnType.DATE
                    ? TypeRules.date(stripped, order) != null
                    : noteZone(TypeRules.timestamp(stripped, order), value, line));
        }
        DateOrder evidence = TypeRules.slashDateEvidence(stripped);
        if (evidence == DateOrder.DMY) {
            dayFirstEvidence++;
        } else if (evidence == DateOrder.MDY) {
            monthFirstEvidence++;
        }
    }

    private boolean noteZone(TypeRules.Timestamp timestamp, String value, long line) {
        if (timestamp == null) {
            return false;
        }
        if (timestamp.zoned() && firstZoned == null) {
            firstZoned = new Misfit(value, line);
        } else if (!timestamp.zoned() && firstUnzoned == null) {
            firstUnzoned = new Misfit(value, line);
        }
        return true;
    }

    long nonEmptyCount() {
        return nonEmptyCount;
    }

    /** Whether the column's values prove the date order: a first part over 12 means day first. */
    DateOrder provenDateOrder() {
        if (dayFirstEvidence > 0 && monthFirstEvidence == 0) {
            return DateOrder.DMY;
        }
        if (monthFirstEvidence > 0 && dayFirstEvidence == 0) {
            return DateOrder.MDY;
        }
        return null;
    }

    /** Whether every value reads as a number in this style (a column without values says nothing). */
    boolean allNumbers(NumberStyle style) {
        return nonEmptyCount > 0 && numbers.get(style).fits.contains(ColumnType.NUMERIC);
    }

    Set<ColumnType> fits(Conventions conventions) {
        EnumSet<ColumnType> fits = EnumSet.of(ColumnType.TEXT);
        fits.addAll(numbers.get(conventions.numbers()).fits);
        fits.addAll(dates.get(conventions.dates()).fits);
        if (mixesZones()) {
            fits.remove(ColumnType.TIMESTAMP);
        }
        return Collections.unmodifiableSet(fits);
    }

    Map<ColumnType, Misfit> firstMisfits(Conventions conventions) {
        Map<ColumnType, Misfit> misfits = new EnumMap<>(ColumnType.class);
        misfits.putAll(numbers.get(conventions.numbers()).firstMisfits);
        misfits.putAll(dates.get(conventions.dates()).firstMisfits);
        if (mixesZones() && !misfits.containsKey(ColumnType.TIMESTAMP)) {
            misfits.put(ColumnType.TIMESTAMP, firstZoned.line() > firstUnzoned.line() ? firstZoned : firstUnzoned);
        }
        return Collections.unmodifiableMap(misfits);
    }

    private boolean mixesZones() {
        return firstZoned != null && firstUnzoned != null;
    }

    /** How the file writes numbers and how this column writes slash dates. */
    record Conventions(NumberStyle numbers, DateOrder dates) {
    }

    /** The types of one family still fitting every value, and the first misfit of each other. */
    private static final class Tracker {
        final EnumSet<ColumnType> fits;
        final Map<ColumnType, Misfit> firstMisfits = new EnumMap<>(ColumnType.class);

        Tracker(Set<ColumnType> types) {
            this.fits = EnumSet.copyOf(types);
        }

        void check(String value, long line, Predicate<ColumnType> rule) {
            for (Iterator<ColumnType> it = fits.iterator(); it.hasNext(); ) {
                ColumnType type = it.next();
                if (!rule.test(type)) {
                    it.remove();
                    firstMisfits.put(type, new Misfit(value, line));
                }
            }
        }
    }
}
