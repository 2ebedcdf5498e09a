package io.asger.config;

import java.util.List;
import java.util.regex.Pattern;

import io.asger.route53.InvalidRecordName;
import io.asger.route53.RecordNameTemplate;

/** The route53 task's settings (asger.route53.*), read and checked at start-up only when asger.tasks names route53. */
public record Route53Settings(String zoneId, String recordName, String address, int ttl, int batchWindowMs,
        double requestsPerSecond, int maxAttempts, java.util.Optional<String> roleArn) {

    public static final String TASK = "route53";
    public static final String ZONE_ID = "asger.route53.zone-id";
    public static final String RECORD_NAME = "asger.route53.record-name";
    public static final String ADDRESS = "asger.route53.address";
    public static final String TTL = "asger.route53.ttl";
    public static final String BATCH_WINDOW_MS = "asger.route53.batch-window-ms";
    public static final String REQUESTS_PER_SECOND = "asger.route53.requests-per-second";
    public static final String MAX_ATTEMPTS = "asger.route53.max-attempts";
    public static final String ROLE_ARN = "asger.route53.role-arn";

    private static final Pattern ZONE = Pattern.compile("(/?hostedzone/)?[A-Z0-9]{1,32}");

    /** Notes every bad route53 setting in {@code s}; see {@link AsgerSettings#read}. */
    public static Route53Settings read(Settings s) {
        String zoneId = s.require(ZONE_ID, "is required because asger.tasks includes 'route53'");
        if (!zoneId.isEmpty() && !ZONE.matcher(zoneId).matches()) {
            s.problem(ZONE_ID, "must be a hosted zone id such as Z0123456789EXAMPLE, was '" + zoneId + "'");
        }
        String recordName = s.text(RECORD_NAME, "{instanceId}.asg.internal");
        try {
            RecordNameTemplate.of(recordName);
        } catch (InvalidRecordName e) {
            s.problem(RECORD_NAME, e.getMessage());
        }
        String address = s.oneOf(ADDRESS, "private", List.of("private", "public"));
        int ttl = s.integer(TTL, 60, 0, 604_800);
        int batchWindowMs = s.integer(BATCH_WINDOW_MS, 200, 0, 60_000);
        // Above 0 on purpose: 0 used to turn the pacing off silently, and Route 53's limit is per account.
        double requestsPerSecond = s.decimal(REQUESTS_PER_SECOND, 5, 0.1, 100);
        int maxAttempts = s.integer(MAX_ATTEMPTS, 8, 1, 100);
        // Route 53 is global and its zone usually lives in one account, whichever account an instance is in.
        java.util.Optional<String> roleArn = s.get(ROLE_ARN);
        if (roleArn.isPresent() && !AccountSettings.ROLE.matcher(roleArn.get()).matches()) {
            s.problem(ROLE_ARN, "must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME), was '" + roleArn.get() + "'");
        }
        return new Route53Settings(zoneId, recordName, address, ttl, batchWindowMs, requestsPerSecond, maxAttempts, roleArn);
    }
}
