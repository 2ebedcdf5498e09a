package io.asger;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.asger.aws.AwsClients;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.awaitility.Awaitility;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityRequest;
import software.amazon.awssdk.services.sqs.model.CreateQueueRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Runs the real application (the same bootstrap as {@code java -jar asger.jar}, the real files in {@code routes/})
 * against a real SQS protocol peer: an ElasticMQ server on 127.0.0.1, shared by the JVM, with fresh queues per app.
 * The application reaches it the way production reaches SQS: through the SDK's endpoint setting
 * ({@code aws.endpointUrlSqs}) and the default credential and region chains.
 */
public final class AsgerTestApp implements AutoCloseable {

    static final Path LOG_FILE = Path.of("target/asger-tests.log");
    private static SQSRestServer server;
    private static URI sqsEndpoint;
    /** Where the applications send their SQS calls: the server, or a front a test put before it (its queue URLs'
     * origin, which decides where asger connects). */
    private static volatile URI appSqsEndpoint;

    private final Main main;
    private final SqsClient sqs;
    private final URI queueUrl;
    private final URI dlqUrl;
    private final long logStart;
    private final int managementPort;

    private AsgerTestApp(Main main, SqsClient sqs, URI queueUrl, URI dlqUrl, long logStart, int managementPort) {
        this.managementPort = managementPort;
        this.main = main;
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.dlqUrl = dlqUrl;
        this.logStart = logStart;
    }

    /** The embedded SQS endpoint, started on first use. */
    public static synchronized URI sqsEndpoint() {
        if (server == null) {
            server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
            int port = server.waitUntilStarted().localAddress().getPort();
            sqsEndpoint = URI.create("http://127.0.0.1:" + port);
            Runtime.getRuntime().addShutdownHook(new Thread(server::stopAndWait));
        }
        // What an operator does with AWS_ENDPOINT_URL_SQS / AWS_REGION / AWS_ACCESS_KEY_ID, as system properties.
        System.setProperty("aws.endpointUrlSqs", sqsEndpoint.toString());
        System.setProperty("aws.region", "us-east-1");
        // Kept when a test set its own (SecretsNeverLoggedIT uses ones it can search the logs for).
        setIfAbsent("aws.accessKeyId", "test");
        setIfAbsent("aws.secretAccessKey", "test");
        return sqsEndpoint;
    }

    /**
     * Applications started from now on send their SQS calls to this front (an {@link io.asger.peers.AwsFront} before
     * {@link #sqsEndpoint()}, to see them): their queue URLs name it. null: straight to the server. The tests' own SQS
     * clients never use it.
     */
    public static void sqsFront(URI front) {
        appSqsEndpoint = front;
    }

    private static URI throughFront(URI queue) {
        URI front = appSqsEndpoint;
        return front == null ? queue : front.resolve(queue.getRawPath());
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    /** A new queue on the embedded server (for tests that need one of their own). */
    public static URI createQueue(String prefix) {
        try (SqsClient client = AwsClients.localSqs(sqsEndpoint())) {
            return URI.create(client.createQueue(CreateQueueRequest.builder()
                    .queueName(prefix + "-" + UUID.randomUUID().toString().substring(0, 8)).build()).queueUrl());
        }
    }

    public static AsgerTestApp start(Map<String, String> properties) {
        return start(properties, List.of());
    }

    /**
     * @param properties      on top of application.properties (and of the test defaults below)
     * @param extraRouteFiles route files to load beside routes/, e.g. test tasks from src/test/resources
     */
    public static AsgerTestApp start(Map<String, String> properties, List<String> extraRouteFiles) {
        return start(properties, extraRouteFiles, List.of());
    }

    /**
     * @param preload bodies put on the main queue before asger starts, so that its first poll receives them together
     */
    public static AsgerTestApp start(Map<String, String> properties, List<String> extraRouteFiles, List<String> preload) {
        return start(properties, extraRouteFiles, preload, context -> { });
    }

    /**
     * @param beforeStart runs once the routes are loaded, before they start (a test may change a route with
     *                    AdviceWith, e.g. to make message-done fail)
     */
    public static AsgerTestApp start(Map<String, String> properties, List<String> extraRouteFiles, List<String> preload,
            java.util.function.Consumer<CamelContext> beforeStart) {
        sqsEndpoint();
        URI queue = createQueue("asger");
        URI dlq = createQueue("asger-dlq");
        try (SqsClient client = AwsClients.localSqs(sqsEndpoint)) {
            for (String body : preload) {
                client.sendMessage(SendMessageRequest.builder().queueUrl(queue.toString()).messageBody(body).build());
            }
        }
        Map<String, String> all = new LinkedHashMap<>();
        all.put("asger.queue-url", throughFront(queue).toString());
        all.put("asger.dlq-url", throughFront(dlq).toString());
        all.put("asger.tasks", "log");
        all.put("asger.retry.delay-ms", "50");
        all.put("asger.retry.max-delay-ms", "200");
        all.put("asger.routes-dir", "routes");
        // Stopping waits for a receive in progress: a short long-poll keeps every test's shutdown quick.
        all.put("asger.poll-wait-seconds", "1");
        // Health and metrics on a port of its own: tests run side by side on one machine.
        all.put("camel.management.port", String.valueOf(freePort()));
        // The tests of the pipeline and the tasks send unsigned SNS envelopes about instances no EC2 knows: they run
        // with the trust checks off, deliberately. SnsSignaturesIT and TerminationCheckAppIT turn them on (the
        // defaults, in application.properties, stay on).
        all.put("asger.sns.verify-signatures", "false");
        all.put("asger.verify-termination", "false");
        // Lifecycle actions would be completed against real Auto Scaling: the tests that drive them
        // (io.asger.lifecycle.LifecycleIT) turn this on with FakeAutoScaling as the endpoint.
        all.put("asger.lifecycle.complete", "false");
        all.putAll(properties);
        long logStart = logSize();
        Main main = AsgerApplication.create(all, extraRouteFiles);
        main.addMainListener(new org.apache.camel.main.MainListenerSupport() {
            @Override
            public void afterConfigure(org.apache.camel.main.BaseMainSupport m) {
                beforeStart.accept(m.getCamelContext());
            }
        });
        try {
            main.start();
        } catch (Exception e) {
            throw new IllegalStateException("asger did not start: " + e.getMessage(), e);
        }
        return new AsgerTestApp(main, AwsClients.localSqs(sqsEndpoint), URI.create(all.get("asger.queue-url")),
                URI.create(all.get("asger.dlq-url")), logStart, Integer.parseInt(all.get("camel.management.port")));
    }

    static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The management server's base URL: http://127.0.0.1:PORT/observe */
    public URI observe() {
        return URI.create("http://127.0.0.1:" + managementPort + "/observe");
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public URI queueUrl() {
        return queueUrl;
    }

    public URI dlqUrl() {
        return dlqUrl;
    }

    public SqsClient sqs() {
        return sqs;
    }

    /** Sends a body to the main queue; returns the SQS message id. */
    public String send(String body) {
        return send(body, Map.of());
    }

    public String send(String body, Map<String, String> attributes) {
        Map<String, MessageAttributeValue> attrs = new HashMap<>();
        attributes.forEach((k, v) -> attrs.put(k, MessageAttributeValue.builder().dataType("String").stringValue(v).build()));
        return sqs.sendMessage(SendMessageRequest.builder().queueUrl(queueUrl.toString()).messageBody(body)
                .messageAttributes(attrs).build()).messageId();
    }

    /** Visible plus in-flight messages in the main queue. */
    public int mainQueueDepth() {
        return depth(queueUrl);
    }

    public int depth(URI queue) {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(GetQueueAttributesRequest.builder()
                .queueUrl(queue.toString())
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)
                .build()).attributes();
        return Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    /** Waits until the main queue has no visible and no in-flight message. */
    public void awaitDrained(Duration timeout) {
        Awaitility.await("main queue drained").atMost(timeout).pollInterval(Duration.ofMillis(100))
                .until(() -> mainQueueDepth() == 0);
    }

    /** Waits until the DLQ holds at least {@code count} messages, and returns them all. */
    public List<Message> awaitDlq(int count, Duration timeout) {
        Awaitility.await("dead letters").atMost(timeout).pollInterval(Duration.ofMillis(100))
                .until(() -> depth(dlqUrl) >= count);
        return dlq();
    }

    /** Every message in the DLQ, with its attributes; they stay in the DLQ. */
    public List<Message> dlq() {
        return peek(dlqUrl);
    }

    public List<Message> peek(URI queue) {
        Map<String, Message> seen = new LinkedHashMap<>();
        List<String> handles = new ArrayList<>();
        while (true) {
            List<Message> batch = sqs.receiveMessage(ReceiveMessageRequest.builder().queueUrl(queue.toString())
                    .maxNumberOfMessages(10).visibilityTimeout(30).waitTimeSeconds(0)
                    .messageAttributeNames("All").messageSystemAttributeNamesWithStrings("All").build()).messages();
            if (batch.isEmpty()) {
                break;
            }
            for (Message m : batch) {
                handles.add(m.receiptHandle());
                seen.putIfAbsent(m.messageId(), m);
            }
        }
        for (String handle : handles) {
            sqs.changeMessageVisibility(ChangeMessageVisibilityRequest.builder().queueUrl(queue.toString())
                    .receiptHandle(handle).visibilityTimeout(0).build());
        }
        return new ArrayList<>(seen.values());
    }

    /** Everything logged since this app started. */
    public String logText() {
        try {
            byte[] all = Files.readAllBytes(LOG_FILE);
            int from = (int) Math.min(logStart, all.length);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + LOG_FILE, e);
        }
    }

    private static long logSize() {
        try {
            return Files.exists(LOG_FILE) ? Files.size(LOG_FILE) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        try {
            main.stop();
        } finally {
            sqs.close();
        }
    }
}
