package io.asger.config;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.asger.tls.PemTrust;

/**
 * What asger checks before it believes a message (asger.sns.*, asger.accounts, asger.verify-termination): the SNS
 * signature of every envelope, the topic and account allow-lists, and, before a DOWN chain, that AWS says the
 * instance is really going away. Read and checked at start-up; local mode turns both checks off.
 */
public record TrustSettings(boolean verifySignatures, Pattern certificateUrlPattern, Optional<Path> caFile,
        Set<String> topicArns, Set<String> accounts, boolean verifyTermination) {

    public static final String VERIFY_SIGNATURES = "asger.sns.verify-signatures";
    public static final String CERTIFICATE_URL_PATTERN = "asger.sns.certificate-url-pattern";
    public static final String CA_FILE = "asger.sns.ca-file";
    public static final String TOPIC_ARNS = "asger.sns.topic-arns";
    public static final String ACCOUNTS = "asger.accounts";
    public static final String VERIFY_TERMINATION = "asger.verify-termination";

    public static final String DEFAULT_CERTIFICATE_URL_PATTERN = "^https://sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/.*\\.pem$";

    static final Pattern TOPIC_ARN = Pattern.compile("arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_.-]{1,256}");
    static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");

    /** Notes every bad setting in {@code s}; see {@link AsgerSettings#read}. */
    public static TrustSettings read(Settings s) {
        boolean verifySignatures = s.bool(VERIFY_SIGNATURES, true);
        Pattern pattern = Pattern.compile(DEFAULT_CERTIFICATE_URL_PATTERN);
        String rawPattern = s.text(CERTIFICATE_URL_PATTERN, DEFAULT_CERTIFICATE_URL_PATTERN);
        try {
            pattern = Pattern.compile(rawPattern);
        } catch (PatternSyntaxException e) {
            s.problem(CERTIFICATE_URL_PATTERN, "is not a regular expression: " + e.getDescription());
        }
        if (!rawPattern.startsWith("^https://")) {
            s.problem(CERTIFICATE_URL_PATTERN, "must start with ^https:// (certificates are fetched over HTTPS only, "
                    + "from hosts the pattern names), was '" + rawPattern + "'");
        }
        Optional<Path> caFile = s.readableFile(CA_FILE);
        caFile.ifPresent(file -> {
            try {
                PemTrust.load(file);
            } catch (Exception e) {
                s.problem(CA_FILE, "is not a PEM bundle of certificates: " + e.getMessage());
            }
        });
        Set<String> topics = list(s, TOPIC_ARNS, TOPIC_ARN, "an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)");
        Set<String> accounts = list(s, ACCOUNTS, ACCOUNT, "an AWS account id (12 digits)");
        boolean verifyTermination = s.bool(VERIFY_TERMINATION, true);
        return new TrustSettings(verifySignatures, pattern, caFile, topics, accounts, verifyTermination);
    }

    private static Set<String> list(Settings s, String name, Pattern entry, String what) {
        Set<String> values = new LinkedHashSet<>();
        for (String raw : s.text(name, "").split(",")) {
            String v = raw.trim();
            if (v.isEmpty()) {
                continue;
            }
            if (!entry.matcher(v).matches()) {
                s.problem(name, "'" + v + "' is not " + what);
            } else {
                values.add(v);
            }
        }
        return Set.copyOf(values);
    }
}
