package io.asger.aws;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * Bounds the messages asger holds at once to its workers ({@code asger.concurrency} × 10), so that no received
 * message waits unwatched. The SQS consumer extends a message's visibility only from the moment it hands the message
 * on; a message it received but cannot hand to a free worker would wait with no extension, its visibility would run
 * out, and SQS would give it to another consumer while it is still queued here: handled twice at once.
 *
 * <p>Two halves, one count. On the queue's SQS client (an SDK interceptor, for the main queue's receives only): a
 * receive waits until a worker is free and asks SQS for at most as many messages as workers are free, each message
 * taking a slot; slots a receive did not fill are given back when it returns. In intake.camel.yaml (a step, before
 * the message goes to a worker): the message keeps its slot until its exchange is done, handled or not. A receive
 * that returns while asger is stopping hands its messages straight back to SQS (visibility 0), as no worker will take
 * them.
 *
 * <p>A receive costs the same CPU (asger's and the queue's) for one message as for ten. So when asger is busy, fewer
 * than half a receive's worth of workers free, a receive waits up to {@code fillWaitMillis} for more of them to come
 * free before it asks: under a backlog, receives bring several messages instead of one each time a worker finishes
 * (one message a receive was a fifth of asger's CPU per event, issue 17). An idle or lightly loaded asger has its
 * workers free, and never waits. Consumers gather workers one after the other, not all at once.
 */
public final class WorkerSlots implements ExecutionInterceptor, Processor {

    private static final Logger LOG = LoggerFactory.getLogger("asger.intake");

    /** SQS's own limit for one receive. */
    static final int MAX_PER_RECEIVE = 10;

    private static final ExecutionAttribute<Integer> TAKEN = new ExecutionAttribute<>("asgerWorkerSlotsTaken");

    private final int slots;
    private final Semaphore free;
    private final String queueUrl;
    private final long fillWaitNanos;
    private final ReentrantLock collecting = new ReentrantLock(true);
    private volatile BooleanSupplier stopping = () -> false;
    private volatile SqsClient client;

    /**
     * @param slots    messages held at once at most (the workers)
     * @param queueUrl the queue whose receives are bounded (asger.queue-url); other queues' receives pass unchanged
     */
    public WorkerSlots(int slots, String queueUrl) {
        this(slots, queueUrl, 0);
    }

    /**
     * @param slots          messages held at once at most (the workers)
     * @param queueUrl       the queue whose receives are bounded (asger.queue-url); other queues' receives pass unchanged
     * @param fillWaitMillis how long a receive waits for more workers to come free when fewer than half of the
     *                       messages it may ask for have one (0: never)
     */
    public WorkerSlots(int slots, String queueUrl, long fillWaitMillis) {
        this.slots = slots;
        this.free = new Semaphore(slots);
        this.queueUrl = queueUrl;
        this.fillWaitNanos = TimeUnit.MILLISECONDS.toNanos(fillWaitMillis);
    }

    /**
     * @param client   the client this interceptor is on, to hand messages back at once when asger is stopping
     * @param stopping true once asger is stopping (no worker will take another message)
     */
    public void attach(SqsClient client, BooleanSupplier stopping) {
        this.client = client;
        this.stopping = stopping;
    }

    public int slots() {
        return slots;
    }

    /** Slots free now (for tests and metrics). */
    public int free() {
        return free.availablePermits();
    }

    // --- the receive: wait for a free worker, ask for no more messages than workers are free ---

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        if (!(context.request() instanceof ReceiveMessageRequest receive) || !queueUrl.equals(receive.queueUrl())) {
            return context.request();
        }
        int wanted = Math.max(1, Math.min(MAX_PER_RECEIVE,
                receive.maxNumberOfMessages() == null ? 1 : receive.maxNumberOfMessages()));
        int taken;
        try {
            taken = take(wanted);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SdkClientException.create("interrupted while waiting for a free worker");
        }
        attributes.putAttribute(TAKEN, taken);
        return receive.toBuilder().maxNumberOfMessages(taken).build();
    }

    @Override
    public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
        Integer taken = attributes.getAttribute(TAKEN);
        if (taken == null || !(context.response() instanceof ReceiveMessageResponse response)) {
            return context.response();
        }
        attributes.putAttribute(TAKEN, 0);
        List<Message> messages = response.messages();
        if (!messages.isEmpty() && stopping.getAsBoolean() && client != null) {
            handBack(messages);
            free.release(taken);
            return response.toBuilder().messages(List.of()).build();
        }
        // The messages keep their slots (released when their exchanges are done); the rest are free again.
        free.release(taken - messages.size());
        return response;
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        Integer taken = attributes.getAttribute(TAKEN);
        if (taken != null && taken > 0) {
            attributes.putAttribute(TAKEN, 0);
            free.release(taken);
        }
    }

    /**
     * At least one slot (waiting for it), then as many more as are free, up to {@code wanted}; when that is fewer than
     * half of {@code wanted}, up to fillWaitNanos more for others to come free.
     */
    int take(int wanted) throws InterruptedException {
        // One receive at a time gathers workers: several consumers waiting at once would share out the workers that
        // come free, each then asking for a few messages (at asger.concurrency 8, receives of two or three).
        collecting.lockInterruptibly();
        try {
            return gather(wanted);
        } finally {
            collecting.unlock();
        }
    }

    private int gather(int wanted) throws InterruptedException {
        free.acquire();
        int taken = 1;
        while (taken < wanted && free.tryAcquire()) {
            taken++;
        }
        if (taken * 2 < wanted && fillWaitNanos > 0 && !stopping.getAsBoolean()) {
            long deadline = System.nanoTime() + fillWaitNanos;
            long left;
            while (taken < wanted && (left = deadline - System.nanoTime()) > 0 && free.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                taken++;
            }
        }
        return taken;
    }

    private void handBack(List<Message> messages) {
        List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(String.valueOf(i))
                    .receiptHandle(messages.get(i).receiptHandle()).visibilityTimeout(0).build());
        }
        try {
            client.changeMessageVisibilityBatch(ChangeMessageVisibilityBatchRequest.builder().queueUrl(queueUrl)
                    .entries(entries).build());
            LOG.info("Stopping: handed {} just received message(s) back to the queue", messages.size());
        } catch (RuntimeException e) {
            // They come back after their visibility timeout instead: nothing is lost.
            LOG.warn("Stopping: could not hand {} just received message(s) back to the queue: {}", messages.size(), e.toString());
        }
    }

    // --- the exchange: a message keeps its slot until it is done ---

    /** A message's exchange is done: its worker is free again. */
    void exchangeDone() {
        free.release();
    }

    @Override
    public void process(Exchange exchange) {
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                exchangeDone();
            }

            @Override
            public String toString() {
                return "WorkerSlots";
            }
        });
    }
}
