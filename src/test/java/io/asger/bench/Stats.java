package io.asger.bench;

import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;

/**
 * The few statistics the benchmark prints: nearest-rank percentiles of latencies, and min/median/max of a figure
 * measured in several rounds. Nearest rank: p-th percentile of n sorted values is the value at rank ceil(p/100 * n),
 * so p99 of 200 values is the 198th, and p100 the maximum; never interpolated, always a value that was measured.
 */
final class Stats {

    private Stats() {
    }

    /** Nearest-rank percentile of {@code values} (need not be sorted); {@code p} in (0, 100]. */
    static double percentile(double[] values, double p) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], not " + p);
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(1, rank) - 1];
    }

    static double median(Collection<Double> values) {
        return percentile(toArray(values), 50);
    }

    static double min(Collection<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    static double max(Collection<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }

    static double[] toArray(Collection<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** "median (min-max)" with the given format for each number, or the lone value for one round; "-" for none. */
    static String spread(Collection<Double> values, String format) {
        if (values.isEmpty()) {
            return "-";
        }
        if (values.size() == 1) {
            return String.format(Locale.ROOT, format, values.iterator().next());
        }
        return String.format(Locale.ROOT, format + " (" + format + "–" + format + ")", median(values), min(values),
                max(values));
    }
}
