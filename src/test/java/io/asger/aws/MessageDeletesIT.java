package io.asger.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import io.asger.AsgerTestApp;
import io.asger.TestCamelContexts;
import io.asger.TestEvents;
import io.asger.peers.AwsFront;
import org.apache.camel.impl.DefaultCamelContext;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Finished messages leave SQS ten to a DeleteMessageBatch call (io.asger.aws.MessageDeletes; issue 17: one
 * DeleteMessage per message was a quarter of asger's CPU per event). Every SQS call asger makes goes through an
 * {@link AwsFront} before ElasticMQ, which records its action and body.
 */
class MessageDeletesIT {

    private static final Pattern RECEIPT_HANDLE = Pattern.compile("\"ReceiptHandle\"\\s*:");
    private static final Path LOG = Path.of("target/asger-tests.log");

    @AfterEach
    void noFront() {
        AsgerTestApp.sqsFront(null);
    }

    @Test
    void handledAndDeadLetteredMessagesLeaveTheQueueInBatchesOfUpToTenNeverOneByOne() throws Exception {
        List<String> bodies = new java.util.ArrayList<>(IntStream.range(0, 25)
                .mapToObj(i -> TestEvents.snsTerminate(String.format("i-%08x", 0xde1e7e00 + i), "web")).toList());
        bodies.add("this is not an event");
        try (AwsFront front = new AwsFront(AsgerTestApp.sqsEndpoint())) {
            AsgerTestApp.sqsFront(front.endpoint());
            try (AsgerTestApp app = AsgerTestApp.start(Map.of("asger.concurrency", "2"), List.of(), bodies)) {
                app.awaitDrained(Duration.ofSeconds(60));
                assertThat(app.awaitDlq(1, Duration.ofSeconds(10))).hasSize(1);
                List<AwsFront.Call> sqs = front.calls("sqs");
                List<AwsFront.Call> batches = sqs.stream().filter(c -> c.action().equals("DeleteMessageBatch")).toList();
                assertThat(sqs).extracting(AwsFront.Call::action).doesNotContain("DeleteMessage");
                assertThat(batches).allSatisfy(b -> assertThat(b.status()).isEqualTo(200));
                int[] entries = batches.stream().mapToInt(b -> count(RECEIPT_HANDLE, b.body())).toArray();
                System.out.printf("[message deletes] 26 messages (25 handled, 1 dead-lettered): %d DeleteMessageBatch"
                        + " calls, entries %s%n", batches.size(), java.util.Arrays.toString(entries));
                assertThat(IntStream.of(entries).sum()).as("messages deleted").isEqualTo(26);
                assertThat(IntStream.of(entries).boxed().toList()).allSatisfy(n -> assertThat(n).isBetween(1, 10));
                // 26 messages need at least 3 calls; one call per message (or close to it) is what this replaced.
                assertThat(batches.size()).isBetween(3, 13);
                String log = app.logText();
                assertThat(count(Pattern.compile("Finished message [^ ]+: handled in "), log)).isEqualTo(25);
                assertThat(log).doesNotContain("not deleted from SQS");
            }
        }
    }

    @Test
    void pendingDeletesAreSentWhenItStopsAndARefusedOneIsLoggedWithItsMessageId() throws Exception {
        URI queue = AsgerTestApp.createQueue("deletes");
        try (SqsClient sqs = AwsClients.localSqs(AsgerTestApp.sqsEndpoint());
                DefaultCamelContext context = TestCamelContexts.withoutCliConnector()) {
            for (int i = 0; i < 3; i++) {
                sqs.sendMessage(b -> b.queueUrl(queue.toString()).messageBody("m"));
            }
            List<Message> received = sqs.receiveMessage(b -> b.queueUrl(queue.toString()).maxNumberOfMessages(10)
                    .visibilityTimeout(300)).messages();
            assertThat(received).hasSize(3);
            // A wait far longer than the test: only the stop can send these.
            MessageDeletes deletes = started(context, new MessageDeletes(sqs, queue.toString(), 600_000));
            received.forEach(m -> deletes.delete(new MessageDeletes.Delete(m.messageId(), m.receiptHandle())));
            assertThat(deletes.waiting()).isEqualTo(3);
            assertThat(depth(sqs, queue)).isEqualTo(3);

            context.stop();
            assertThat(deletes.waiting()).isZero();
            assertThat(depth(sqs, queue)).as("visible and in-flight messages after the stop").isZero();

            long logStart = Files.size(LOG);
            deletes.delete(new MessageDeletes.Delete("m-refused", "not-a-receipt-handle"));
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> logSince(logStart).contains("m-refused"));
            assertThat(logSince(logStart)).contains("Message m-refused was finished but not deleted from SQS (")
                    .contains("SQS delivers it again after its visibility timeout");
        }
    }

    @Test
    void theTenthDeleteIsSentAtOnceWithTheNineBeforeIt() throws Exception {
        URI queue = AsgerTestApp.createQueue("deletes");
        try (SqsClient sqs = AwsClients.localSqs(AsgerTestApp.sqsEndpoint());
                DefaultCamelContext context = TestCamelContexts.withoutCliConnector()) {
            for (int i = 0; i < 12; i++) {
                sqs.sendMessage(b -> b.queueUrl(queue.toString()).messageBody("m"));
            }
            List<Message> received = new java.util.ArrayList<>();
            while (received.size() < 12) {
                received.addAll(sqs.receiveMessage(b -> b.queueUrl(queue.toString()).maxNumberOfMessages(10)
                        .visibilityTimeout(300)).messages());
            }
            MessageDeletes deletes = started(context, new MessageDeletes(sqs, queue.toString(), 600_000));
            received.forEach(m -> deletes.delete(new MessageDeletes.Delete(m.messageId(), m.receiptHandle())));
            // Ten went at once, on the caller's thread; two wait for more (or the stop).
            assertThat(deletes.waiting()).isEqualTo(2);
            assertThat(depth(sqs, queue)).isEqualTo(2);
        }
    }

    @Test
    void aPartialBatchIsSentWithinTheWait() throws Exception {
        URI queue = AsgerTestApp.createQueue("deletes");
        try (SqsClient sqs = AwsClients.localSqs(AsgerTestApp.sqsEndpoint());
                DefaultCamelContext context = TestCamelContexts.withoutCliConnector()) {
            Message m = sentAndReceived(sqs, queue);
            MessageDeletes deletes = started(context, new MessageDeletes(sqs, queue.toString(), 200));
            deletes.delete(new MessageDeletes.Delete(m.messageId(), m.receiptHandle()));
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> depth(sqs, queue) == 0);
            assertThat(deletes.waiting()).isZero();
        }
    }

    /** Stopping lets a batch being sent finish: interrupted, its handled messages would stay and run again. */
    @Test
    void aBatchBeingSentWhenItStopsIsFinished() throws Exception {
        URI queue = AsgerTestApp.createQueue("deletes");
        CountDownLatch sending = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        try (SqsClient real = AwsClients.localSqs(AsgerTestApp.sqsEndpoint());
                DefaultCamelContext context = TestCamelContexts.withoutCliConnector()) {
            // SQS answering slowly: the call is still under way when the stop comes.
            SqsClient slow = new SqsClient() {
                @Override
                public DeleteMessageBatchResponse deleteMessageBatch(DeleteMessageBatchRequest request) {
                    sending.countDown();
                    try {
                        Thread.sleep(700);
                    } catch (InterruptedException e) {
                        interrupted.set(true);
                        throw AbortedException.create("interrupted", e);
                    }
                    return real.deleteMessageBatch(request);
                }

                @Override
                public String serviceName() {
                    return real.serviceName();
                }

                @Override
                public void close() {
                }
            };
            Message m = sentAndReceived(real, queue);
            MessageDeletes deletes = started(context, new MessageDeletes(slow, queue.toString(), 20));
            deletes.delete(new MessageDeletes.Delete(m.messageId(), m.receiptHandle()));
            assertThat(sending.await(5, TimeUnit.SECONDS)).isTrue();

            context.stop();

            assertThat(interrupted).isFalse();
            assertThat(depth(real, queue)).isZero();
        }
    }

    /** MessageDeletes as asger runs it: a service of a started context. */
    private static MessageDeletes started(DefaultCamelContext context, MessageDeletes deletes) throws Exception {
        context.addService(deletes, true, false);
        context.start();
        return deletes;
    }

    /** One message put on the queue and received (not deleted; invisible for 300 s). */
    private static Message sentAndReceived(SqsClient sqs, URI queue) {
        sqs.sendMessage(b -> b.queueUrl(queue.toString()).messageBody("m"));
        return sqs.receiveMessage(b -> b.queueUrl(queue.toString()).visibilityTimeout(300)).messages().get(0);
    }

    private static int depth(SqsClient sqs, URI queue) {
        Map<String, String> a = sqs.getQueueAttributes(b -> b.queueUrl(queue.toString())
                .attributeNamesWithStrings("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"))
                .attributesAsStrings();
        return Integer.parseInt(a.get("ApproximateNumberOfMessages"))
                + Integer.parseInt(a.get("ApproximateNumberOfMessagesNotVisible"));
    }

    private static String logSince(long start) throws java.io.IOException {
        byte[] all = Files.readAllBytes(LOG);
        int from = (int) Math.min(start, all.length);
        return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    }

    private static int count(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
