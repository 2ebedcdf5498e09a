package io.asger.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import io.asger.event.AsgEventNormalizer;

/** The settings of the pipeline itself, checked once at start-up. Task settings are checked by their own beans. */
public final class CoreSettings {

    public static final String QUEUE_URL = "asger.queue-url";
    public static final String DLQ_URL = "asger.dlq-url";
    public static final String TASKS = "asger.tasks";
    public static final String DRY_RUN = "asger.dry-run";
    public static final String CONCURRENCY = "asger.concurrency";
    public static final String POLL_WAIT = "asger.poll-wait-seconds";
    public static final String VISIBILITY_TIMEOUT = "asger.visibility-timeout-seconds";
    public static final String GROUPS = "asger.groups";
    public static final String LOCAL_PORT = "asger.local.port";
    public static final String MAX_REDELIVERIES = "asger.retry.max-redeliveries";
    public static final String DELAY_MS = "asger.retry.delay-ms";
    public static final String MAX_DELAY_MS = "asger.retry.max-delay-ms";
    public static final String MULTIPLIER = "asger.retry.multiplier";

    static final Pattern TASK_NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    /** Settings a shipped task cannot work without: checked only when the task is in asger.tasks. */
    static final Map<String, List<String>> TASK_REQUIREMENTS = Map.of(
            "chef", List.of("asger.chef.url", "asger.chef.client-name", "asger.chef.key-file"),
            "route53", List.of("asger.route53.zone-id"),
            "consul", List.of("asger.consul.url"));

    private final Optional<URI> queueUrl;
    private final Optional<URI> dlqUrl;
    private final List<String> tasks;
    private final boolean dryRun;
    private final int concurrency;
    private final int visibilityTimeout;
    private final int localPort;

    private CoreSettings(Settings s) {
        queueUrl = s.url(QUEUE_URL);
        dlqUrl = s.url(DLQ_URL);
        if (queueUrl.isPresent() && dlqUrl.isEmpty()) {
            throw new InvalidSettingException(DLQ_URL, "is required when " + QUEUE_URL
                    + " is set: failed messages must have somewhere to go");
        }
        if (queueUrl.isPresent() && queueUrl.equals(dlqUrl)) {
            throw new InvalidSettingException(DLQ_URL, "must not be the same queue as " + QUEUE_URL);
        }
        tasks = parseTasks(s.text(TASKS, ""));
        for (String task : tasks) {
            for (String required : TASK_REQUIREMENTS.getOrDefault(task, List.of())) {
                if (s.get(required).isEmpty()) {
                    throw new InvalidSettingException(required, "is required because asger.tasks includes '" + task + "'");
                }
            }
        }
        dryRun = s.bool(DRY_RUN, false);
        concurrency = s.integer(CONCURRENCY, 2, 1, 200);
        s.integer(POLL_WAIT, 20, 1, 20);
        visibilityTimeout = s.integer(VISIBILITY_TIMEOUT, 60, 10, 43_200);
        localPort = s.integer(LOCAL_PORT, 9324, 1, 65_535);
        s.integer(MAX_REDELIVERIES, 5, 0, 100);
        int delay = s.integer(DELAY_MS, 1000, 0, 3_600_000);
        int maxDelay = s.integer(MAX_DELAY_MS, 60_000, 0, 3_600_000);
        if (maxDelay < delay) {
            throw new InvalidSettingException(MAX_DELAY_MS, "must be at least " + DELAY_MS + " (" + delay + "), was " + maxDelay);
        }
        s.decimal(MULTIPLIER, 2.0, 1.0, 10.0);
        try {
            new AsgEventNormalizer(s.text(GROUPS, ""));
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(GROUPS, e.getMessage().replaceFirst("^asger.groups: ", ""));
        }
    }

    public static CoreSettings read(Settings settings) {
        return new CoreSettings(settings);
    }

    static List<String> parseTasks(String value) {
        Set<String> seen = new LinkedHashSet<>();
        for (String raw : value.split(",")) {
            String name = raw.trim();
            if (name.isEmpty()) {
                continue;
            }
            if (!TASK_NAME.matcher(name).matches()) {
                throw new InvalidSettingException(TASKS, "'" + name + "' is not a task name (lowercase letters, digits "
                        + "and '-', starting with a letter): it must match the route file's direct:" + name + "-up/-down");
            }
            if (!seen.add(name)) {
                throw new InvalidSettingException(TASKS, "names '" + name + "' twice");
            }
        }
        return new ArrayList<>(seen);
    }

    /** Empty means local mode: an embedded queue on 127.0.0.1. */
    public Optional<URI> queueUrl() { return queueUrl; }
    public Optional<URI> dlqUrl() { return dlqUrl; }
    public List<String> tasks() { return tasks; }
    public boolean dryRun() { return dryRun; }
    public int concurrency() { return concurrency; }
    public int visibilityTimeout() { return visibilityTimeout; }
    public int localPort() { return localPort; }
    public boolean localMode() { return queueUrl.isEmpty(); }
}
