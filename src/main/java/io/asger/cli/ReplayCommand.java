package io.asger.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.asger.config.Settings;
import io.asger.errors.DeadLetterAttributes;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * {@code asger replay [--count N] [--list]}: moves dead letters back to the main queue, oldest first as SQS hands
 * them out. A message is deleted from the DLQ only after the main queue accepted its copy, so an interrupted replay
 * duplicates at worst and never loses. {@code --list} prints them with their failure reason and moves nothing.
 */
public final class ReplayCommand {

    /** How long a received dead letter stays hidden while we move it (or list it). */
    static final int VISIBILITY_SECONDS = 60;

    private ReplayCommand() {
    }

    public static int run(String[] args, Settings settings, PrintStream out) {
        boolean list = false;
        int count = Integer.MAX_VALUE;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--list" -> list = true;
                case "--count" -> {
                    if (i + 1 >= args.length) {
                        throw new UsageException("--count needs a number");
                    }
                    try {
                        count = Integer.parseInt(args[++i]);
                    } catch (NumberFormatException e) {
                        throw new UsageException("--count needs a whole number, was '" + args[i] + "'");
                    }
                    if (count < 1) {
                        throw new UsageException("--count must be at least 1, was " + count);
                    }
                }
                default -> throw new UsageException("replay does not understand '" + args[i] + "'");
            }
        }
        Queues queues = Queues.from(settings);
        try (SqsClient sqs = queues.client()) {
            return list ? list(sqs, queues, count, out) : move(sqs, queues, count, out);
        } catch (software.amazon.awssdk.core.exception.SdkClientException e) {
            throw queues.explain(e);
        }
    }

    /**
     * Moves at most the dead letters that were there when the replay began: a message that fails again while the
     * replay runs comes back to the DLQ, and must not be moved round and round.
     */
    private static int move(SqsClient sqs, Queues queues, int count, PrintStream out) {
        long started = System.currentTimeMillis();
        int limit = Math.min(count, approximateDepth(sqs, queues));
        int moved = 0;
        int emptyPolls = 0;
        while (moved < limit && emptyPolls < 2) {
            List<Message> batch = receive(sqs, queues, Math.min(10, limit - moved));
            if (batch.isEmpty()) {
                emptyPolls++;
                continue;
            }
            emptyPolls = 0;
            boolean onlyNew = true;
            for (Message m : batch) {
                if (sentAfter(m, started)) {
                    // Dead-lettered again during this replay: leave it, visible, for the next replay.
                    release(sqs, queues, m);
                    continue;
                }
                onlyNew = false;
                // Only what identifies the message's history goes along; the failure reason stays with the DLQ copy.
                Map<String, MessageAttributeValue> attributes = new HashMap<>();
                attributes.put(DeadLetterAttributes.ORIGINAL_MESSAGE_ID, text(originalId(m)));
                MessageAttributeValue first = m.messageAttributes().get(DeadLetterAttributes.FIRST_FAILURE_TIME);
                if (first != null && first.stringValue() != null) {
                    attributes.put(DeadLetterAttributes.FIRST_FAILURE_TIME, text(first.stringValue()));
                }
                sqs.sendMessage(SendMessageRequest.builder().queueUrl(queues.queue().toString())
                        .messageBody(m.body()).messageAttributes(attributes).build());
                sqs.deleteMessage(DeleteMessageRequest.builder().queueUrl(queues.dlq().toString())
                        .receiptHandle(m.receiptHandle()).build());
                moved++;
                out.println("replayed " + originalId(m) + " " + describe(m));
            }
            if (onlyNew) {
                break;
            }
        }
        out.println(moved + " message(s) moved from " + queues.dlq() + " to " + queues.queue());
        return 0;
    }

    private static int list(SqsClient sqs, Queues queues, int count, PrintStream out) {
        Map<String, Message> seen = new LinkedHashMap<>();
        List<String> handles = new ArrayList<>();
        int emptyPolls = 0;
        try {
            while (seen.size() < count && emptyPolls < 2) {
                List<Message> batch = receive(sqs, queues, Math.min(10, count - seen.size()));
                if (batch.isEmpty()) {
                    emptyPolls++;
                    continue;
                }
                emptyPolls = 0;
                for (Message m : batch) {
                    handles.add(m.receiptHandle());
                    if (seen.putIfAbsent(m.messageId(), m) == null) {
                        out.println(m.messageId() + " " + describe(m));
                        out.println("    " + excerpt(m.body()));
                    }
                }
            }
        } finally {
            // Make every listed message visible again at once: listing must not delay a later replay.
            for (String handle : handles) {
                try {
                    sqs.changeMessageVisibility(ChangeMessageVisibilityRequest.builder().queueUrl(queues.dlq().toString())
                            .receiptHandle(handle).visibilityTimeout(0).build());
                } catch (RuntimeException e) {
                    out.println("note: could not release a listed message at once (" + e.getMessage()
                            + "); it becomes visible again within " + VISIBILITY_SECONDS + " s");
                }
            }
        }
        out.println(seen.size() + " message(s) in " + queues.dlq() + " (nothing moved)");
        return 0;
    }

    private static List<Message> receive(SqsClient sqs, Queues queues, int max) {
        return sqs.receiveMessage(ReceiveMessageRequest.builder().queueUrl(queues.dlq().toString())
                .maxNumberOfMessages(max).waitTimeSeconds(1).visibilityTimeout(VISIBILITY_SECONDS)
                .messageSystemAttributeNamesWithStrings("SentTimestamp")
                .messageAttributeNames("All").build()).messages();
    }

    private static int approximateDepth(SqsClient sqs, Queues queues) {
        String n = sqs.getQueueAttributes(GetQueueAttributesRequest.builder().queueUrl(queues.dlq().toString())
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES).build())
                .attributes().get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
        return n == null ? 0 : Integer.parseInt(n);
    }

    private static boolean sentAfter(Message m, long millis) {
        String sent = m.attributesAsStrings().get("SentTimestamp");
        return sent != null && Long.parseLong(sent) >= millis;
    }

    private static void release(SqsClient sqs, Queues queues, Message m) {
        sqs.changeMessageVisibility(ChangeMessageVisibilityRequest.builder().queueUrl(queues.dlq().toString())
                .receiptHandle(m.receiptHandle()).visibilityTimeout(0).build());
    }

    private static String originalId(Message m) {
        MessageAttributeValue v = m.messageAttributes().get(DeadLetterAttributes.ORIGINAL_MESSAGE_ID);
        return v != null && v.stringValue() != null ? v.stringValue() : m.messageId();
    }

    static String describe(Message m) {
        Map<String, MessageAttributeValue> a = m.messageAttributes();
        return "task=" + value(a, DeadLetterAttributes.FAILED_TASK)
                + " kind=" + value(a, DeadLetterAttributes.ERROR_KIND)
                + " attempts=" + value(a, DeadLetterAttributes.ATTEMPTS)
                + " first-failure=" + value(a, DeadLetterAttributes.FIRST_FAILURE_TIME)
                + " error=" + value(a, DeadLetterAttributes.ERROR_TYPE) + ": " + value(a, DeadLetterAttributes.ERROR_MESSAGE);
    }

    private static String value(Map<String, MessageAttributeValue> attributes, String name) {
        MessageAttributeValue v = attributes.get(name);
        return v == null ? "-" : v.stringValue();
    }

    private static String excerpt(String body) {
        String flat = body.replaceAll("\\s+", " ");
        return flat.length() <= 160 ? flat : flat.substring(0, 157) + "...";
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
