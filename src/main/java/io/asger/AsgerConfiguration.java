package io.asger;

import java.net.URI;

import io.asger.aws.AccountClients;
import io.asger.aws.MessageDeletes;
import io.asger.aws.AwsClients;
import io.asger.config.AccountSettings;
import io.asger.aws.TerminationCheck;
import io.asger.config.TrustSettings;
import io.asger.event.AccountAllowList;
import io.asger.sns.SigningCertificates;
import io.asger.sns.SnsSignatureVerifier;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import io.asger.aws.QueueReceiveFailures;
import io.asger.aws.SqsHeaderFilter;
import io.asger.aws.UnfinishedMessageLog;
import io.asger.aws.WorkerSlots;
import io.asger.config.AsgerSettings;
import io.asger.config.CoreSettings;
import io.asger.config.InvalidSettingException;
import io.asger.config.LifecycleSettings;
import io.asger.config.RouteFiles;
import io.asger.config.Settings;
import io.asger.errors.DeadLetterAttributes;
import io.asger.errors.FailureRecorder;
import io.asger.errors.Failures;
import io.asger.event.AsgEventNormalizer;
import io.asger.lifecycle.LifecycleActions;
import io.asger.lifecycle.LifecycleHeartbeats;
import io.asger.lifecycle.LifecyclePolicy;
import io.micrometer.core.instrument.MeterRegistry;
import io.asger.local.LocalQueues;
import io.asger.tasks.TaskChain;
import io.asger.aws.StoppableSqsClient;
import io.asger.config.OperationsSettings;
import io.asger.ops.AsgerMetrics;
import io.asger.ops.GracefulShutdown;
import io.asger.ops.MessageLogContext;
import io.asger.ops.RemoveHeaders;
import io.asger.ops.QueueReadiness;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.StartupListener;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * asger's start-up, inside Camel's lifecycle so that {@code java -jar asger.jar} and {@code camel run} behave the
 * same: checks the settings (core, and those of the enabled tasks: {@link AsgerSettings}), starts the embedded queue
 * in local mode, and registers the core beans the routes in {@code routes/} refer to. Selected by
 * {@code camel.main.configuration-classes} in application.properties.
 */
public class AsgerConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(AsgerConfiguration.class);

    /** Messages one poll hands over at most (SQS's own limit). */
    static final int MESSAGES_PER_POLL = 10;

    /** How often `camel ps` and `camel get route` get fresh figures from a running asger (Camel's default: 1 s). */
    static final int CLI_STATUS_MILLIS = 5000;

    /** A receive, while fewer than half of its ten messages would have a free worker, waits this long for more. */
    static final long RECEIVE_FILL_WAIT_MILLIS = 50;

    /**
     * A finished message's delete waits at most this long for nine more to share its DeleteMessageBatch call. At 50 ms
     * a busy asger sent four deletes a call on average, each call costing as much CPU as a message's Chef search.
     */
    static final long MESSAGE_DELETE_WAIT_MILLIS = 200;

    /**
     * The workers the intake route hands each received message to, one per {@link WorkerSlots} slot: the SQS consumer
     * extends a message's visibility only once the message has been handed on, and it receives only as many messages
     * as slots are free, so every message it holds has a worker (the queue only bridges the moment between a worker
     * giving back its slot and taking its next task). The consumer thread never runs a message itself: a message
     * the pool refused would fail, and stay in SQS.
     */
    static ExecutorService messageWorkers(CamelContext context, int workers) {
        ThreadPoolProfile profile = new ThreadPoolProfile("asger-workers");
        profile.setPoolSize(workers);
        profile.setMaxPoolSize(workers);
        profile.setMaxQueueSize(workers);
        profile.setRejectedPolicy(ThreadPoolRejectedPolicy.Abort);
        return context.getExecutorServiceManager().newThreadPool(AsgerConfiguration.class, "asger-worker", profile);
    }

    /**
     * Camel only logs a management port already in use and runs on without health or metrics: a probe that fails
     * would then fail for the wrong reason. So it is a configuration error, found before Camel binds the port.
     */
    static void requireFreeManagementPort(OperationsSettings operations) {
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress(operations.managementHost(), operations.managementPort()), 1);
        } catch (java.io.IOException e) {
            throw new InvalidSettingException(OperationsSettings.MANAGEMENT_PORT, "cannot serve health and metrics on "
                    + operations.managementHost() + ":" + operations.managementPort() + " (" + e.getMessage()
                    + "); is another asger running? Set another port, e.g. CAMEL_MANAGEMENT_PORT=9877");
        }
    }

    /**
     * What asger checks before it believes a message: the SNS signature (in route-by-event-type), the account, and
     * that a terminated instance is really going away (in run-task-chain). Local mode, for trying asger out with the
     * unsigned examples and no AWS, turns both checks off; dry run keeps them.
     */
    static void bindTrustChecks(Registry registry, TrustSettings trust, boolean localMode, SqsClient sqs)
            throws java.io.IOException, java.security.GeneralSecurityException {
        boolean verifySignatures = trust.verifySignatures() && !localMode;
        boolean verifyTermination = trust.verifyTermination() && !localMode;
        registry.bind("snsSignatureVerifier", verifySignatures
                ? new SnsSignatureVerifier(SigningCertificates.create(trust.certificateUrlPattern(), trust.caFile(),
                        Clock.systemUTC()), trust.topicArns())
                : SnsSignatureVerifier.off());
        registry.bind("accountAllowList", new AccountAllowList(trust.accounts()));
        TerminationCheck check = new TerminationCheck();
        check.setAccountClients(registry.lookupByNameAndType("accountClients", AccountClients.class));
        check.setEnabled(verifyTermination);
        check.setDefaultRegion(sqs.serviceClientConfiguration().region());
        check.setMetrics(registry.lookupByNameAndType("metricsRegistry", MeterRegistry.class));
        registry.bind("terminationCheck", check);
        if (!localMode && !trust.verifySignatures()) {
            LOG.warn("{} is false: SNS envelopes are believed without checking who wrote them", TrustSettings.VERIFY_SIGNATURES);
        }
        if (!localMode && !trust.verifyTermination()) {
            LOG.warn("{} is false: a terminate event is believed without asking AWS whether the instance is going away",
                    TrustSettings.VERIFY_TERMINATION);
        }
    }

    /**
     * The beans of routes/lifecycle.camel.yaml, bound here rather than in the file: they need the checked settings and
     * the metrics registry, which YAML beans (made while the file is parsed) would not see yet. Heartbeats stop, and
     * the Auto Scaling clients close, when Camel stops (after the routes, so in-flight chains keep theirs).
     */
    static void bindLifecycleBeans(CamelContext context, Registry registry, LifecycleSettings settings, String queueUrl,
            boolean dryRun) throws Exception {
        LifecycleActions actions = new LifecycleActions(queueUrl);
        actions.setAccountClients(registry.lookupByNameAndType("accountClients", AccountClients.class));
        actions.setDryRun(dryRun);
        actions.setMeterRegistryLookup(() -> registry.lookupByNameAndType("metricsRegistry", MeterRegistry.class));
        LifecycleHeartbeats heartbeats = new LifecycleHeartbeats(actions, settings);
        registry.bind("lifecycleActions", actions);
        registry.bind("lifecycleHeartbeats", heartbeats);
        LifecyclePolicy policy = new LifecyclePolicy(settings);
        registry.bind("lifecyclePolicy", policy);
        // The same decision as a predicate, for route-by-event-type's `ref:` (a method call would copy the exchange).
        registry.bind("eventHoldsLifecycleAction", (org.apache.camel.Predicate) exchange ->
                policy.actsOn(exchange.getProperty(io.asger.ExchangeProperties.EVENT, io.asger.event.AsgEvent.class)));
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                heartbeats.close();
                actions.close();
            }
        }, true, false);
    }

    /**
     * The AWS clients of every event's account and region (io.asger.aws.AccountClients), one place for them all:
     * bound before the beans and route files that use them, asked which account is asger's own once Camel has
     * started, and closed when Camel stops (after the routes). Local mode makes no AWS call and checks no account.
     */
    static void bindAccountClients(CamelContext context, Registry registry, AccountSettings settings, boolean localMode,
            SqsClient sqs) throws Exception {
        AccountClients clients = new AccountClients(settings, sqs.serviceClientConfiguration().region());
        clients.setEnabled(!localMode);
        registry.bind("accountClients", clients);
        context.addService(new ServiceSupport() {
            @Override
            protected void doStart() {
                clients.learnHomeAccount();
            }

            @Override
            protected void doStop() {
                clients.close();
            }
        }, true, false);
    }

    /**
     * The CLI connector (`camel ps`, `camel get route`) writes the process's status, every route's statistics read
     * through JMX and a dozen dev consoles, to ~/.camel every second by default: about 7% of a core while asger is
     * idle, and about 40 ms of CPU each time. Every CLI_STATUS_MILLIS is plenty for a person reading it (and for the
     * CLI's commands, which it reads at the same pace), at a fifth of the cost.
     */
    static void slowCamelCliStatus(CamelContext context) {
        org.apache.camel.cli.connector.LocalCliConnector cli =
                context.hasService(org.apache.camel.cli.connector.LocalCliConnector.class);
        if (cli != null) {
            cli.updateDelay(CLI_STATUS_MILLIS);
        }
    }

    /** The route whose exchanges Camel's route metrics time: one per message, from receipt to delete. */
    static final String METERED_ROUTE = "receive-asg-events";

    /**
     * Camel's route metrics (camel_exchanges_*, camel_route_policy_seconds) for receive-asg-events only, so one timer
     * per message. On every route (camel.metrics.enable-route-policy, off in application.properties) they cost a timer
     * sample and some strings at each of the dozen routes a message passes through (issue 17); asger's own meters time
     * the tasks (asger_task_seconds) and the whole message (asger_message_handling_seconds).
     */
    static void addRouteMetrics(CamelContext context, MeterRegistry registry) throws Exception {
        MicrometerRoutePolicyFactory factory = new MicrometerRoutePolicyFactory() {
            @Override
            public RoutePolicy createRoutePolicy(CamelContext camelContext, String routeId, NamedNode route) {
                return METERED_ROUTE.equals(routeId) ? super.createRoutePolicy(camelContext, routeId, route) : null;
            }
        };
        factory.getPolicyConfiguration().setContextEnabled(false);
        factory.setMeterRegistry(registry);
        context.addService(factory);
        context.addRoutePolicyFactory(factory);
    }

    /**
     * The header clean-ups the routes do before a task and before an HTTP call (io.asger.ops.RemoveHeaders: Camel's
     * removeHeaders without its per-header regular expressions). One place for what a task and a request start from.
     */
    public static void bindHeaderClearing(Registry registry) {
        // Before each attempt of a task: nothing left by an earlier task or attempt, but the redelivery count (without
        // it retries never end) and the SQS receipt handle and message id, as the consumer set them (Camel's SQS
        // consumer reads them; asger's own steps read the properties asgerReceiptHandle and asgerMessageId).
        registry.bind("clearHeadersForTask", new RemoveHeaders("*", "CamelRedelivery*,CamelAwsSqsReceiptHandle,CamelAwsSqsMessageId"));
        // Before an HTTP request: no inbound or earlier header may become a request header; Camel's own stay (camel-http
        // never sends them).
        registry.bind("clearInboundHeaders", new RemoveHeaders("*", "Camel*"));
        // Before an HTTP request: no path, query or response header of an earlier call; the request's URI and method stay.
        registry.bind("clearHttpCallHeaders", new RemoveHeaders("CamelHttp*", "CamelHttpUri,CamelHttpMethod"));
        // The same, the request's URI and method too.
        registry.bind("clearHttpHeaders", new RemoveHeaders("CamelHttp*", ""));
    }

    /**
     * asger.dry-run as the routes read it, exactly {@code true} or {@code false}: the routes compare
     * {@code {{asger.dry-run}}} with 'true', and start-up accepts the word in any case (a {@code TRUE} left as it is
     * would not equal 'true', and the Chef, Consul and webhook tasks would change things).
     * The one place the setting becomes what the routes and beans see.
     */
    public static boolean settleDryRun(PropertiesComponent properties, boolean dryRun) {
        properties.addOverrideProperty(CoreSettings.DRY_RUN, String.valueOf(dryRun));
        return dryRun;
    }

    private static String sqsQueueUrl(PropertiesComponent properties) {
        return properties.resolveProperty(CoreSettings.QUEUE_URL).orElse("");
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        PropertiesComponent properties = context.getPropertiesComponent();
        Settings settings = io.asger.config.AsgerProperties.of(properties);
        // The same check as before Camel started (AsgerApplication), for `camel run`, which starts here.
        AsgerSettings all = AsgerSettings.read(settings);
        CoreSettings core = all.core();
        Registry registry = context.getRegistry();

        OperationsSettings operations = OperationsSettings.read(settings);
        if (operations.managementEnabled()) {
            requireFreeManagementPort(operations);
        }

        SqsClient calls;
        SqsClient receives;
        WorkerSlots slots;
        if (core.localMode()) {
            LocalQueues local = new LocalQueues(core.localPort());
            // Started now, not with the context: its URLs must be known before the routes are created.
            try {
                local.start();
            } catch (RuntimeException e) {
                throw new InvalidSettingException(CoreSettings.LOCAL_PORT, "cannot serve the local queue on 127.0.0.1:"
                        + core.localPort() + " (" + e.getMessage() + "); is another asger running?");
            }
            context.addService(local, true, false);
            properties.addOverrideProperty(CoreSettings.QUEUE_URL, local.queueUrl().toString());
            properties.addOverrideProperty(CoreSettings.DLQ_URL, local.dlqUrl().toString());
            slots = new WorkerSlots(core.concurrency() * MESSAGES_PER_POLL, local.queueUrl().toString(),
                    RECEIVE_FILL_WAIT_MILLIS);
            calls = AwsClients.localSqs(LocalQueues.endpoint(local.port()));
            receives = AwsClients.localSqs(LocalQueues.endpoint(local.port()), slots);
            LOG.info("Local mode (no asger.queue-url set): dry-run is on, and SNS signatures and instance states are not"
                    + " checked (asger.sns.verify-signatures, asger.verify-termination), so the unsigned examples work."
                    + " Send an event with:\n    "
                    + (core.localPort() == 9324 ? "" : "ASGER_LOCAL_PORT=" + core.localPort() + " ")
                    + "java -jar target/asger.jar send examples/events/terminate-sns.json");
        } else {
            URI queueUrl = core.queueUrl().orElseThrow();
            slots = new WorkerSlots(core.concurrency() * MESSAGES_PER_POLL, queueUrl.toString(), RECEIVE_FILL_WAIT_MILLIS);
            calls = AwsClients.sqs(queueUrl, core.dlqUrl().orElse(null));
            receives = AwsClients.sqs(queueUrl, core.dlqUrl().orElse(null), slots);
        }
        // Local mode is for trying asger out: nothing it does may touch a real Chef server, zone or catalog.
        boolean dryRun = settleDryRun(properties, core.dryRunInEffect());
        // Receives (and WorkerSlots' interceptor) on a client of their own, which a stop closes; WorkerSlots hands
        // messages back through the other.
        StoppableSqsClient sqs = new StoppableSqsClient(calls, receives);
        slots.attach(sqs, context::isStopping);
        registry.bind("sqsClient", sqs);
        registry.bind("workerSlots", slots);
        // A finished message leaves SQS with the next DeleteMessageBatch (receive-asg-events' first step); added after
        // the local queue, so its pending deletes are sent at stop before that queue goes.
        MessageDeletes deletes = new MessageDeletes(sqs, properties.resolveProperty(CoreSettings.QUEUE_URL).orElseThrow(),
                MESSAGE_DELETE_WAIT_MILLIS);
        registry.bind("messageDeletes", deletes);
        context.addService(deletes, true, false);
        GracefulShutdown shutdown = new GracefulShutdown(sqs, properties.resolveProperty(CoreSettings.QUEUE_URL).orElseThrow());
        registry.bind("gracefulShutdown", shutdown);
        context.getManagementStrategy().addEventNotifier(shutdown);
        registry.bind("queueReadiness", new QueueReadiness(sqs));
        registry.bind("sqsHeaderFilter", new SqsHeaderFilter());
        registry.bind("queueReceiveFailures", new QueueReceiveFailures());
        registry.bind("unfinishedMessageLog", new UnfinishedMessageLog(shutdown));
        bindHeaderClearing(registry);
        // Every log line about a message carries its ids (asgerMessageId, ... task): set as its steps run, removed
        // when it is done.
        context.getCamelContextExtension().addInterceptStrategy(new MessageLogContext());

        registry.bind("asgEventNormalizer", new AsgEventNormalizer(settings.text(CoreSettings.GROUPS, ""),
                settings.text(CoreSettings.FORMATS, AsgEventNormalizer.AUTOSCALING)));
        registry.bind("eventProperties", new io.asger.event.EventProperties());
        registry.bind("failures", new Failures());
        registry.bind("failureRecorder", new FailureRecorder());
        registry.bind("deadLetterAttributes", new DeadLetterAttributes());
        // The registry /observe/metrics scrapes (camel-micrometer-prometheus finds it under this name).
        if (registry.lookupByName("metricsRegistry") == null) {
            registry.bind("metricsRegistry", new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        }
        AsgerMetrics metrics = new AsgerMetrics(registry.lookupByNameAndType("metricsRegistry",
                io.micrometer.core.instrument.MeterRegistry.class), context::getName);
        registry.bind("asgerMetrics", metrics);
        registry.bind("countRetry", (Processor) metrics::retry);
        addRouteMetrics(context, registry.lookupByNameAndType("metricsRegistry", MeterRegistry.class));

        registry.bind("messageWorkers", messageWorkers(context, slots.slots()));
        bindAccountClients(context, registry, all.accounts(), core.localMode(), sqs);
        bindLifecycleBeans(context, registry, all.lifecycle(), sqsQueueUrl(properties),
                dryRun);

        bindTrustChecks(registry, all.trust(), core.localMode(), sqs);

        // The route files last: their beans and endpoints may refer to the beans above.
        String routesFrom = String.join(",", RouteFiles.patterns(java.nio.file.Path.of(core.routesDir())));
        LOG.debug("Routes from {}: {}", routesFrom, String.join(",", RouteFiles.load(context, core)));

        TaskChain chain = new TaskChain(core.tasks());
        registry.bind("taskChain", chain);
        context.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarting(CamelContext camelContext, boolean alreadyStarted) {
                chain.resolve(camelContext);
            }

            @Override
            public void onCamelContextStarted(CamelContext camelContext, boolean alreadyStarted) {
                // the routes are started, but the context's status still says Starting: see below
            }

            // Fully started: the context's status is Started by now, so the status the CLI connector writes at once
            // when its pace changes says Running (at onCamelContextStarted it still said Starting, for 5 s).
            @Override
            public void onCamelContextFullyStarted(CamelContext camelContext, boolean alreadyStarted) {
                slowCamelCliStatus(camelContext);
                // The one line that says asger is up; Camel's own start-up listing is at DEBUG (log4j2.xml).
                LOG.info("asger ready: queue {}, dead letters to {}, tasks {}, dry run {}, {} consumer(s), routes from {}, {}",
                        properties.resolveProperty(CoreSettings.QUEUE_URL).orElse("?"),
                        properties.resolveProperty(CoreSettings.DLQ_URL).orElse("?"),
                        String.join(",", core.tasks()), dryRun, core.concurrency(),
                        routesFrom,
                        operations.managementEnabled() ? "health and metrics on http://" + operations.managementHost()
                                + ":" + operations.managementPort() + "/observe" : "no management port");
            }
        });
    }
}
