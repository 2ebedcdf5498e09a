package io.asger.config;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import io.asger.event.AsgEventNormalizer;

/** The settings of the pipeline itself (asger.*, asger.retry.*, asger.local.*), checked once at start-up. */
public record CoreSettings(Optional<URI> queueUrl, Optional<URI> dlqUrl, List<String> tasks, boolean dryRun,
        int concurrency, int localPort, String routesDir) {

    public static final String QUEUE_URL = "asger.queue-url";
    public static final String DLQ_URL = "asger.dlq-url";
    public static final String TASKS = "asger.tasks";
    public static final String DRY_RUN = "asger.dry-run";
    public static final String CONCURRENCY = "asger.concurrency";
    public static final String POLL_WAIT = "asger.poll-wait-seconds";
    public static final String VISIBILITY_TIMEOUT = "asger.visibility-timeout-seconds";
    public static final String GROUPS = "asger.groups";
    public static final String FORMATS = "asger.formats";
    public static final String LOCAL_PORT = "asger.local.port";
    public static final String ROUTES_DIR = "asger.routes-dir";
    public static final String MAX_REDELIVERIES = "asger.retry.max-redeliveries";
    public static final String DELAY_MS = "asger.retry.delay-ms";
    public static final String MAX_DELAY_MS = "asger.retry.max-delay-ms";
    public static final String MULTIPLIER = "asger.retry.multiplier";

    /** The default asger.routes-dir: when it is missing, the copies of the routes packaged in the jar are used. */
    public static final String DEFAULT_ROUTES_DIR = "routes";

    static final Pattern TASK_NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    /** Reads and checks the core settings alone; throws naming every bad one. */
    public static CoreSettings read(Settings settings) {
        CoreSettings core = from(settings);
        settings.check();
        return core;
    }

    /** Reads the core settings, noting the bad ones in {@code s} (see {@link AsgerSettings#read}). */
    static CoreSettings from(Settings s) {
        Optional<URI> queueUrl = s.url(QUEUE_URL);
        Optional<URI> dlqUrl = s.url(DLQ_URL);
        if (queueUrl.isPresent() && dlqUrl.isEmpty() && !s.hasProblem(DLQ_URL)) {
            s.problem(DLQ_URL, "is required when " + QUEUE_URL + " is set: failed messages must have somewhere to go");
        }
        if (queueUrl.isPresent() && queueUrl.equals(dlqUrl)) {
            s.problem(DLQ_URL, "must not be the same queue as " + QUEUE_URL);
        }
        List<String> tasks = parseTasks(s);
        boolean dryRun = s.bool(DRY_RUN, false);
        int concurrency = s.integer(CONCURRENCY, 2, 1, 200);
        s.integer(POLL_WAIT, 20, 1, 20);
        s.integer(VISIBILITY_TIMEOUT, 60, 10, 43_200);
        int localPort = s.integer(LOCAL_PORT, 9324, 1, 65_535);
        s.integer(MAX_REDELIVERIES, 5, 0, 100);
        int delay = s.integer(DELAY_MS, 1000, 0, 3_600_000);
        int maxDelay = s.integer(MAX_DELAY_MS, 60_000, 0, 3_600_000);
        if (maxDelay < delay) {
            s.problem(MAX_DELAY_MS, "must be at least " + DELAY_MS + " (" + delay + "), was " + maxDelay);
        }
        s.decimal(MULTIPLIER, 2.0, 1.0, 10.0);
        try {
            new AsgEventNormalizer(s.text(GROUPS, ""));
        } catch (IllegalArgumentException e) {
            s.problem(GROUPS, e.getMessage().replaceFirst("^asger.groups: ", ""));
        }
        try {
            AsgEventNormalizer.parseFormats(s.text(FORMATS, AsgEventNormalizer.AUTOSCALING));
        } catch (IllegalArgumentException e) {
            s.problem(FORMATS, e.getMessage().replaceFirst("^asger.formats: ", ""));
        }
        String routesDir = s.text(ROUTES_DIR, DEFAULT_ROUTES_DIR);
        if (!routesDir.equals(DEFAULT_ROUTES_DIR) && !Files.isDirectory(Path.of(routesDir))) {
            // Falling back to the packaged routes here would silently drop the operator's own.
            s.problem(ROUTES_DIR, "names '" + routesDir + "', which is not a directory");
        }
        return new CoreSettings(queueUrl, dlqUrl, tasks, dryRun, concurrency, localPort, routesDir);
    }

    static List<String> parseTasks(Settings s) {
        Set<String> seen = new LinkedHashSet<>();
        for (String raw : s.text(TASKS, "").split(",")) {
            String name = raw.trim();
            if (name.isEmpty()) {
                continue;
            }
            if (!TASK_NAME.matcher(name).matches()) {
                s.problem(TASKS, "'" + name + "' is not a task name (lowercase letters, digits "
                        + "and '-', starting with a letter): it must match the route file's direct:" + name + "-up/-down");
                continue;
            }
            if (!seen.add(name)) {
                s.problem(TASKS, "names '" + name + "' twice");
            }
        }
        return List.copyOf(new ArrayList<>(seen));
    }

    /**
     * Whether asger only says what it would change: asger.dry-run (true, TRUE, True... as {@link Settings#bool} reads
     * it), and always in local mode, which is for trying asger out.
     */
    public boolean dryRunInEffect() {
        return dryRun || localMode();
    }

    /** Empty queue URL means local mode: an embedded queue on 127.0.0.1. */
    public boolean localMode() {
        return queueUrl.isEmpty();
    }
}
