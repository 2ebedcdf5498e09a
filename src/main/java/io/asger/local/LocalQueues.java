package io.asger.local;

import java.net.URI;

import org.apache.camel.support.service.ServiceSupport;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.elasticmq.rest.sqs.TheSQSRestServerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.CreateQueueRequest;

/**
 * Local mode: an embedded SQS-compatible server (ElasticMQ) on 127.0.0.1 with an {@code asger} and an
 * {@code asger-dlq} queue. Started when no {@code asger.queue-url} is set; stopped with Camel.
 */
public class LocalQueues extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(LocalQueues.class);

    public static final String QUEUE = "asger";
    public static final String DLQ = "asger-dlq";
    /** ElasticMQ's fixed account id in queue URLs. */
    public static final String ACCOUNT = "000000000000";

    private final int port;
    private SQSRestServer server;
    private int boundPort;

    public LocalQueues(int port) {
        this.port = port;
    }

    /** The queue URLs local mode uses for a given port, so {@code asger send} finds them without asking. */
    public static URI queueUrl(int port, String queue) {
        return URI.create("http://127.0.0.1:" + port + "/" + ACCOUNT + "/" + queue);
    }

    public static URI endpoint(int port) {
        return URI.create("http://127.0.0.1:" + port);
    }

    @Override
    protected void doStart() {
        TheSQSRestServerBuilder builder = port == 0
                ? SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort()
                : SQSRestServerBuilder.withInterface("127.0.0.1").withPort(port);
        // Pekko (under ElasticMQ) reads its reference.conf through the thread's context class loader. Under
        // `camel run` that loader does not see the jars asger came in with; the one that loaded this class does.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(LocalQueues.class.getClassLoader());
        try {
            server = builder.start();
            boundPort = server.waitUntilStarted().localAddress().getPort();
        } finally {
            thread.setContextClassLoader(previous);
        }
        try (SqsClient sqs = io.asger.aws.AwsClients.localSqs(endpoint(boundPort))) {
            sqs.createQueue(CreateQueueRequest.builder().queueName(QUEUE).build());
            sqs.createQueue(CreateQueueRequest.builder().queueName(DLQ).build());
        }
        LOG.info("Local mode: embedded SQS on {} with queues '{}' and '{}'", endpoint(boundPort), QUEUE, DLQ);
    }

    @Override
    protected void doStop() {
        if (server != null) {
            server.stopAndWait();
            server = null;
        }
    }

    public int port() {
        return boundPort;
    }

    public URI queueUrl() {
        return queueUrl(boundPort, QUEUE);
    }

    public URI dlqUrl() {
        return queueUrl(boundPort, DLQ);
    }
}
