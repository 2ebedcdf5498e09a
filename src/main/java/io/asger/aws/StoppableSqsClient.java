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
 * on. After it, receives answer no message at once; a message a poll brought in the moment it was stopped is made
 * visible again at once, for another replica. It also remembers whether the queue answered the last receive (the
 * readiness check).
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
        try {
            response = receives.receiveMessage(request);
        } catch (RuntimeException e) {
            if (stopped) {
                // The long poll was cut off by stopReceiving: not an error.
                return ReceiveMessageResponse.builder().messages(List.of()).build();
            }
            last.set(new QueueAnswer(Instant.now(), String.valueOf(e.getMessage())));
            throw e;
        }
        last.set(new QueueAnswer(Instant.now(), null));
        if (stopped && response.hasMessages() && !response.messages().isEmpty()) {
            release(request.queueUrl(), response.messages());
            return ReceiveMessageResponse.builder().messages(List.of()).build();
        }
        return response;
    }

    /** Makes messages visible again now (visibility 0), so that another consumer receives them at once. */
    public void release(String queueUrl, List<Message> messages) {
        for (Message m : messages) {
            release(queueUrl, m.messageId(), m.receiptHandle());
        }
    }

    /** Makes one message visible again now; a failure is logged, and the message reappears after its timeout. */
    public boolean release(String queueUrl, String messageId, String receiptHandle) {
        try {
            calls.changeMessageVisibility(ChangeMessageVisibilityRequest.builder().queueUrl(queueUrl)
                    .receiptHandle(receiptHandle).visibilityTimeout(0).build());
            return true;
        } catch (SdkException e) {
            LOG.warn("Message {} could not be released ({}); SQS delivers it again once its visibility timeout ends",
                    messageId, e.getMessage());
            return false;
        }
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
