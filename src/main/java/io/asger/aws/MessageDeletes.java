package io.asger.aws;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.apache.camel.support.SynchronizationAdapter;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;

/**
 * Deletes the messages asger has finished from SQS, ten to a {@code DeleteMessageBatch} call: the one place a message
 * leaves the queue. The first step of receive-asg-events ({@link #process}) asks for the delete of its message once
 * the exchange completes successfully (handled, ignored, a test, or safely dead-lettered); an exchange that failed
 * (the dead-letter send failed, message-done threw) asks for nothing, and SQS delivers its message again.
 *
 * <p>Deletes wait until ten are due, or at most {@code maxWaitMillis} after the first of them; the tenth is sent by
 * the worker that finished it, a partial batch by a timer thread. A delete SQS refuses, or a call that fails, is
 * logged per message: the message was handled, and SQS delivers it again after its visibility timeout (every task is
 * idempotent). A context service: pending deletes are sent when Camel stops, after the routes.
 *
 * <p>Why: one {@code DeleteMessage} call per message was about a quarter of asger's CPU per event (issue 17).
 */
public class MessageDeletes extends ServiceSupport implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger("asger.messages");

    /** SQS takes at most ten entries a batch. */
    static final int BATCH = 10;

    /** How long a stop waits for a batch being sent. */
    static final int STOP_WAIT_SECONDS = 10;

    record Delete(String messageId, String receiptHandle) {
    }

    private final SqsClient sqs;
    private final String queueUrl;
    private final long maxWaitMillis;
    private final List<Delete> waiting = new ArrayList<>(BATCH);
    private ScheduledExecutorService timer;

    public MessageDeletes(SqsClient sqs, String queueUrl, long maxWaitMillis) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.maxWaitMillis = maxWaitMillis;
    }

    /** The step in receive-asg-events: this message is deleted once its exchange completes successfully. */
    @Override
    public void process(Exchange exchange) {
        String handle = exchange.getMessage().getHeader(Sqs2Constants.RECEIPT_HANDLE, String.class);
        if (handle == null) {
            return;
        }
        Delete delete = new Delete(exchange.getMessage().getHeader(Sqs2Constants.MESSAGE_ID, String.class), handle);
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onComplete(Exchange completed) {
                delete(delete);
            }
        });
    }

    /** Deletes the message with the next batch: now when it is the tenth, else within maxWaitMillis. */
    void delete(Delete delete) {
        List<Delete> full = null;
        synchronized (waiting) {
            waiting.add(delete);
            if (waiting.size() >= BATCH || timer == null) {
                full = takeWaiting();
            } else if (waiting.size() == 1) {
                timer.schedule(this::sendWaiting, maxWaitMillis, TimeUnit.MILLISECONDS);
            }
        }
        if (full != null) {
            send(full);
        }
    }

    /** Sends every delete now waiting (the timer's, and at stop). */
    void sendWaiting() {
        while (true) {
            List<Delete> batch;
            synchronized (waiting) {
                if (waiting.isEmpty()) {
                    return;
                }
                batch = takeWaiting();
            }
            send(batch);
        }
    }

    /** Deletes waiting to be sent (for tests). */
    int waiting() {
        synchronized (waiting) {
            return waiting.size();
        }
    }

    private List<Delete> takeWaiting() {
        int n = Math.min(BATCH, waiting.size());
        List<Delete> batch = new ArrayList<>(waiting.subList(0, n));
        waiting.subList(0, n).clear();
        return batch;
    }

    private void send(List<Delete> batch) {
        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
                    .receiptHandle(batch.get(i).receiptHandle()).build());
        }
        try {
            DeleteMessageBatchResponse response = sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
            for (BatchResultErrorEntry failed : response.failed()) {
                notDeleted(batch.get(Integer.parseInt(failed.id())), failed.code() + ": " + failed.message());
            }
        } catch (RuntimeException e) {
            // SdkException mostly; anything else too, as on the timer's thread it would vanish without a word.
            for (Delete delete : batch) {
                notDeleted(delete, e instanceof SdkException ? e.getMessage() : e.toString());
            }
        }
    }

    private static void notDeleted(Delete delete, String reason) {
        LOG.warn("Message {} was finished but not deleted from SQS ({}); SQS delivers it again after its visibility"
                + " timeout, and its tasks run again (they are idempotent)", delete.messageId(), reason);
    }

    @Override
    protected void doStart() {
        ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "asger-message-deletes");
            thread.setDaemon(true);
            return thread;
        });
        synchronized (waiting) {
            timer = t;
        }
    }

    /** After the routes have stopped: what is waiting is sent now, and a late delete is sent at once. */
    @Override
    protected void doStop() {
        ScheduledExecutorService t;
        synchronized (waiting) {
            t = timer;
            timer = null;
        }
        if (t != null) {
            // Not shutdownNow: it would interrupt a batch being sent, and its messages, handled, would run again.
            t.shutdown();
            try {
                if (!t.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    LOG.warn("A DeleteMessageBatch call still runs after {} s; stopping without it", STOP_WAIT_SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        sendWaiting();
    }
}
