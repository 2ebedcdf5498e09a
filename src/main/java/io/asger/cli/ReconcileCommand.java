package io.asger.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.asger.AsgerApplication;
import io.asger.ExchangeProperties;
import io.asger.config.ReconcileSettings;
import io.asger.reconcile.ReconcilePlan;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.EventNotifierSupport;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * {@code asger reconcile [--dry-run] [--max-deletions N]}: one sweep (routes/reconcile.camel.yaml), then, unless it
 * was a dry run or the guard stopped it, the whole application consumes the main queue until every ghost it enqueued
 * was handled or dead-lettered: so it works with no daemon running, and beside running ones (which may take some of
 * its ghosts: then it waits until the queue is empty, as a message leaves it only once handled or dead-lettered).
 * Exit codes: 0 done, 2 the guard (asger.reconcile.max-deletions) stopped the sweep, 78 bad settings, 1 the sweep
 * failed.
 */
public final class ReconcileCommand {

    /** The guard stopped the sweep: nothing was enqueued. */
    public static final int GUARD_STOPPED = 2;

    private ReconcileCommand() {
    }

    public static int run(String[] args, PrintStream out) throws Exception {
        return run(args, Map.of(), out);
    }

    /** @param overrides settings that take precedence (the tests' queues and peers) */
    public static int run(String[] args, Map<String, String> overrides, PrintStream out) throws Exception {
        boolean dryRun = false;
        Integer maxDeletions = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dry-run" -> dryRun = true;
                case "--max-deletions" -> {
                    if (i + 1 >= args.length) {
                        throw new UsageException("--max-deletions needs a number");
                    }
                    try {
                        maxDeletions = Integer.parseInt(args[++i]);
                    } catch (NumberFormatException e) {
                        throw new UsageException("--max-deletions needs a whole number, was '" + args[i] + "'");
                    }
                    if (maxDeletions < 0) {
                        throw new UsageException("--max-deletions must be 0 or more, was " + maxDeletions);
                    }
                }
                default -> throw new UsageException("reconcile does not understand '" + args[i] + "'");
            }
        }
        Map<String, String> settings = new LinkedHashMap<>(overrides);
        // This one sweep only, not the timer's as well.
        settings.put(ReconcileSettings.INTERVAL_MINUTES, "0");
        if (maxDeletions != null) {
            settings.put(ReconcileSettings.MAX_DELETIONS, Integer.toString(maxDeletions));
        }
        // It must run beside a daemon on the same host: no management or HTTP server port of its own.
        settings.put("camel.management.enabled", "false");
        settings.put("camel.server.enabled", "false");

        Finished finished = new Finished();
        Main main = AsgerApplication.create(settings);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport m) {
                m.getCamelContext().getManagementStrategy().addEventNotifier(finished);
            }
        });
        main.start();
        try {
            CamelContext context = main.getCamelContext();
            Exchange sweep = new DefaultExchange(context);
            sweep.setProperty(ExchangeProperties.RECONCILE_DRY_RUN, dryRun);
            context.createProducerTemplate().send("direct:reconcile-sweep", sweep);
            if (sweep.getException() != null) {
                out.println("asger: reconcile sweep failed: " + sweep.getException());
                return 1;
            }
            ReconcilePlan plan = sweep.getProperty(ExchangeProperties.RECONCILE_PLAN, ReconcilePlan.class);
            if (plan.isStopped()) {
                out.println("asger: " + plan.getGhostCount() + " ghost instance ids, more than "
                        + ReconcileSettings.MAX_DELETIONS + " (" + plan.getMaxDeletions() + "): nothing enqueued. Sample: "
                        + plan.getSample());
                if (dryRun) {
                    out.println(plan.getPlan());
                }
                out.println(plan.report());
                return GUARD_STOPPED;
            }
            if (dryRun) {
                out.println(plan.getPlan());
                out.println(plan.report());
                return 0;
            }
            Map<String, String> enqueued = plan.getEnqueued();
            String waited = awaitHandled(context, enqueued, finished);
            out.println(plan.report());
            out.println("  ghost events: " + enqueued.size() + " enqueued, " + waited);
            return 0;
        } finally {
            main.stop();
        }
    }

    /** Waits until this process finished each of the ghosts' messages, or the main queue is empty. */
    static String awaitHandled(CamelContext context, Map<String, String> enqueued, Finished finished)
            throws InterruptedException {
        if (enqueued.isEmpty()) {
            return "nothing to wait for";
        }
        SqsClient sqs = context.getRegistry().lookupByNameAndType("sqsClient", SqsClient.class);
        String queueUrl = context.resolvePropertyPlaceholders("{{asger.queue-url}}");
        while (true) {
            Map<String, String> mine = finished.outcomes(enqueued.values());
            if (mine.size() == enqueued.size()) {
                return summary(mine, 0);
            }
            if (queueDepth(sqs, queueUrl) == 0) {
                // Gone from the queue, so handled or dead-lettered, some by another consumer.
                return summary(finished.outcomes(enqueued.values()), enqueued.size() - mine.size());
            }
            Thread.sleep(Duration.ofMillis(500).toMillis());
        }
    }

    private static String summary(Map<String, String> outcomes, int elsewhere) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        outcomes.values().forEach(o -> counts.merge(o, 1, Integer::sum));
        StringBuilder s = new StringBuilder();
        counts.forEach((outcome, n) -> s.append(s.length() == 0 ? "" : ", ").append(n).append(' ').append(outcome));
        if (elsewhere > 0) {
            s.append(s.length() == 0 ? "" : ", ").append(elsewhere).append(" handled by another consumer");
        }
        return s.toString();
    }

    static int queueDepth(SqsClient sqs, String queueUrl) {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    /** The outcome of each message this process finished (its exchange from the SQS consumer completed with one). */
    static final class Finished extends EventNotifierSupport {

        private final Map<String, String> outcomes = new ConcurrentHashMap<>();

        Finished() {
            setIgnoreCamelContextEvents(true);
            setIgnoreRouteEvents(true);
            setIgnoreServiceEvents(true);
            setIgnoreStepEvents(true);
            setIgnoreExchangeCreatedEvent(true);
            setIgnoreExchangeSendingEvents(true);
            setIgnoreExchangeSentEvents(true);
            setIgnoreExchangeRedeliveryEvents(true);
        }

        @Override
        public void notify(CamelEvent event) {
            if (event instanceof CamelEvent.ExchangeCompletedEvent done) {
                Exchange exchange = done.getExchange();
                String id = exchange.getProperty(ExchangeProperties.MESSAGE_ID, String.class);
                String outcome = exchange.getProperty(ExchangeProperties.OUTCOME, String.class);
                if (id != null && outcome != null && exchange.getException() == null) {
                    outcomes.put(id, outcome);
                }
            }
        }

        Map<String, String> outcomes(java.util.Collection<String> ids) {
            Map<String, String> mine = new LinkedHashMap<>();
            ids.forEach(id -> {
                String o = outcomes.get(id);
                if (o != null) {
                    mine.put(id, o);
                }
            });
            return mine;
        }
    }
}
