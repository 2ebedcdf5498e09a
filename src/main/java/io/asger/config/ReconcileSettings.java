package io.asger.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The reconcile sweep's settings (asger.reconcile.*): read and checked at start-up with the core settings, since the
 * sweep is not a task (it runs the tasks' inventories, {@code direct:NAME-inventory}).
 */
public record ReconcileSettings(int intervalMinutes, int minAgeMinutes, int recheckSeconds, List<String> regions,
        boolean unknownAccountIsOwn, int maxDeletions) {

    public static final String INTERVAL_MINUTES = "asger.reconcile.interval-minutes";
    public static final String MIN_AGE_MINUTES = "asger.reconcile.min-age-minutes";
    public static final String RECHECK_SECONDS = "asger.reconcile.recheck-seconds";
    public static final String REGIONS = "asger.reconcile.regions";
    public static final String UNKNOWN_ACCOUNT = "asger.reconcile.unknown-account";
    public static final String MAX_DELETIONS = "asger.reconcile.max-deletions";

    static final Pattern REGION = Pattern.compile("[a-z]{2}(?:-[a-z]+)+-[0-9]{1,2}");

    /** Notes every bad reconcile setting in {@code s}; see {@link AsgerSettings#read}. */
    public static ReconcileSettings read(Settings s) {
        int interval = s.integer(INTERVAL_MINUTES, 0, 0, 10_080);
        int minAge = s.integer(MIN_AGE_MINUTES, 60, 0, 525_600);
        int recheck = s.integer(RECHECK_SECONDS, 10, 0, 3_600);
        List<String> regions = new ArrayList<>();
        for (String raw : s.text(REGIONS, "").split(",")) {
            String region = raw.trim();
            if (region.isEmpty()) {
                continue;
            }
            if (!REGION.matcher(region).matches()) {
                s.problem(REGIONS, "'" + region + "' is not an AWS region name (e.g. eu-west-1)");
                continue;
            }
            regions.add(region);
        }
        boolean own = "own".equals(s.oneOf(UNKNOWN_ACCOUNT, "skip", List.of("skip", "own")));
        int maxDeletions = s.integer(MAX_DELETIONS, 20, 0, 1_000_000);
        return new ReconcileSettings(interval, minAge, recheck, List.copyOf(regions), own, maxDeletions);
    }
}
