package io.asger.aws;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsServiceClientConfiguration;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageResponse;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlResponse;
import software.amazon.awssdk.services.sqs.model.ListQueuesRequest;
import software.amazon.awssdk.services.sqs.model.ListQueuesResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/**
 * The SQS client of asger's routes: every call goes to one client, except receives, which have a client of their
 * own so that {@link #stopReceiving()} can end a long poll in progress (closing that client closes its connection)
 * instead of waiting up to 20 s for it at shutdown, while deletes and visibility changes of in-flight messages carry
 * on. After it, receives answer no message at once. It also remembers whether the queue answered the last receive
 * (the readiness check).
 *
 * <p>A long poll cut off on asger's side still waits on SQS's side until its wait time ends, and takes any message
 * that becomes visible meanwhile (into a connection nobody reads: hidden for a whole visibility timeout). So
 * {@link #release} makes a message visible again not at 0 s but as soon as the polls that were cut off have ended
 * there, at most asger.poll-wait-seconds after the stop; at 0 s when no poll was cut off.
 */
public class StoppableSqsClient implements SqsClient {

    private static final Logger LOG = LoggerFactory.getLogger(StoppableSqsClient.class);

    /** The queue's state as the last receive saw it: when it answered, or why it did not. */
    public record QueueAnswer(Instant at, String failure) {
        public boolean answered() {
            return failure == null;
        }
    }

    private final SqsClient calls;
    private final SqsClient receives;
    private final AtomicReference<QueueAnswer> last = new AtomicReference<>();
    /** Receives in progress, by a token of each, with when SQS will end them (their wait time). */
    private final java.util.Map<Object, Instant> polls = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile Instant cutOffPollsEnd = Instant.EPOCH;
    private volatile boolean stopped;

    public StoppableSqsClient(SqsClient calls, SqsClient receives) {
        this.calls = calls;
        this.receives = receives;
    }

    /** Receives end now: a long poll in progress is cut off and answers no message. Idempotent. */
    public void stopReceiving() {
        if (stopped) {
            return;
        }
        stopped = true;
        cutOffPollsEnd = polls.values().stream().max(Instant::compareTo).orElse(Instant.EPOCH);
        receives.close();
    }

    public boolean receiving() {
        return !stopped;
    }

    /** The last receive's answer; empty before the first. */
    public java.util.Optional<QueueAnswer> lastAnswer() {
        return java.util.Optional.ofNullable(last.get());
    }

    @Override
    public ReceiveMessageResponse receiveMessage(ReceiveMessageRequest request) {
        if (stopped) {
            return ReceiveMessageResponse.builder().messages(List.of()).build();
        }
        ReceiveMessageResponse response;
        Object poll = new Object();
        int wait = request.waitTimeSeconds() == null ? 0 : request.waitTimeSeconds();
        polls.put(poll, Instant.now().plusSeconds(wait).plusMillis(500));
        try {
            response = receives.receiveMessage(request);
        } catch (RuntimeException e) {
            if (stopped) {
                // The long poll was cut off by stopReceiving: not an error.
                return ReceiveMessageResponse.builder().messages(List.of()).build();
            }
            last.set(new QueueAnswer(Instant.now(), String.valueOf(e.getMessage())));
            throw e;
        } finally {
            polls.remove(poll);
        }
        last.set(new QueueAnswer(Instant.now(), null));
        if (stopped && response.hasMessages() && !response.messages().isEmpty()) {
            release(request.queueUrl(), response.messages());
            return ReceiveMessageResponse.builder().messages(List.of()).build();
        }
        return response;
    }

    /** Makes messages visible again for another consumer, as soon as no cut-off poll of ours can take them. */
    public void release(String queueUrl, List<Message> messages) {
        for (Message m : messages) {
            release(queueUrl, m.messageId(), m.receiptHandle());
        }
    }

    /**
     * Makes one message visible again: now, or once the polls cut off by {@link #stopReceiving()} have ended on SQS's
     * side. A failure is logged, and the message reappears after its visibility timeout.
     */
    public boolean release(String queueUrl, String messageId, String receiptHandle) {
        try {
            calls.changeMessageVisibility(ChangeMessageVisibilityRequest.builder().queueUrl(queueUrl)
                    .receiptHandle(receiptHandle).visibilityTimeout(releaseDelaySeconds()).build());
            return true;
        } catch (SdkException e) {
            LOG.warn("Message {} could not be released ({}); SQS delivers it again once its visibility timeout ends",
                    messageId, e.getMessage());
            return false;
        }
    }

    /** Seconds until no poll that was cut off can take a message any more (0 when none was). */
    public int releaseDelaySeconds() {
        long millis = java.time.Duration.between(Instant.now(), cutOffPollsEnd).toMillis();
        return millis <= 0 ? 0 : (int) Math.min(43_200, (millis + 999) / 1000);
    }

    @Override
    public DeleteMessageResponse deleteMessage(DeleteMessageRequest request) {
        return calls.deleteMessage(request);
    }

    @Override
    public DeleteMessageBatchResponse deleteMessageBatch(DeleteMessageBatchRequest request) {
        return calls.deleteMessageBatch(request);
    }

    @Override
    public ChangeMessageVisibilityResponse changeMessageVisibility(ChangeMessageVisibilityRequest request) {
        return calls.changeMessageVisibility(request);
    }

    @Override
    public ChangeMessageVisibilityBatchResponse changeMessageVisibilityBatch(ChangeMessageVisibilityBatchRequest request) {
        return calls.changeMessageVisibilityBatch(request);
    }

    @Override
    public SendMessageResponse sendMessage(SendMessageRequest request) {
        return calls.sendMessage(request);
    }

    @Override
    public SendMessageBatchResponse sendMessageBatch(SendMessageBatchRequest request) {
        return calls.sendMessageBatch(request);
    }

    @Override
    public GetQueueAttributesResponse getQueueAttributes(GetQueueAttributesRequest request) {
        return calls.getQueueAttributes(request);
    }

    @Override
    public GetQueueUrlResponse getQueueUrl(GetQueueUrlRequest request) {
        return calls.getQueueUrl(request);
    }

    @Override
    public ListQueuesResponse listQueues(ListQueuesRequest request) {
        return calls.listQueues(request);
    }

    @Override
    public SqsServiceClientConfiguration serviceClientConfiguration() {
        return calls.serviceClientConfiguration();
    }

    @Override
    public String serviceName() {
        return calls.serviceName();
    }

    @Override
    public void close() {
        stopReceiving();
        calls.close();
    }
}
