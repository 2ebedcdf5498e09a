package io.asger.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** How many messages a receive asks for, given the free workers: the fill wait of a busy asger (issue 17). */
class WorkerSlotsTest {

    private static final String QUEUE = "http://127.0.0.1:9324/000000000000/asger";

    @Test
    void withHalfAReceiveOfWorkersFreeItAsksAtOnce() throws Exception {
        WorkerSlots slots = new WorkerSlots(20, QUEUE, 5_000);
        assertThat(slots.take(10)).isEqualTo(10);
        assertThat(slots.take(10)).isEqualTo(10);
        assertThat(slots.free()).isZero();

        WorkerSlots half = new WorkerSlots(20, QUEUE, 5_000);
        half.take(10);
        half.take(5);
        long t0 = System.nanoTime();
        assertThat(half.take(10)).isEqualTo(5);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(1_000);
    }

    @Test
    void aBusyAsgerWaitsForMoreWorkersToComeFreeInsteadOfReceivingOneMessage() throws Exception {
        WorkerSlots slots = new WorkerSlots(10, QUEUE, 5_000);
        assertThat(slots.take(10)).isEqualTo(10);
        // One worker comes free: alone, it would make a receive of one message. Three more follow shortly.
        CompletableFuture<Integer> receive = CompletableFuture.supplyAsync(() -> {
            try {
                return slots.take(10);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        slots.exchangeDone();
        Thread.sleep(100);
        for (int i = 0; i < 9; i++) {
            slots.exchangeDone();
        }
        assertThat(receive.get(10, TimeUnit.SECONDS)).isEqualTo(10);
    }

    @Test
    void consumersWaitingAtOnceTakeTheFreedWorkersOneAfterTheOtherNotAFewEach() throws Exception {
        WorkerSlots slots = new WorkerSlots(20, QUEUE, 5_000);
        slots.take(10);
        slots.take(10);
        java.util.function.Supplier<Integer> receive = () -> {
            try {
                return slots.take(10);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        };
        CompletableFuture<Integer> first = CompletableFuture.supplyAsync(receive);
        CompletableFuture<Integer> second = CompletableFuture.supplyAsync(receive);
        Thread.sleep(100);
        for (int i = 0; i < 10; i++) {
            slots.exchangeDone();
            Thread.sleep(5);
        }
        // Ten workers came free: one receive asks for ten, at once; the other still waits for its own.
        assertThat(CompletableFuture.anyOf(first, second).get(2, TimeUnit.SECONDS)).isEqualTo(10);
        assertThat(first.isDone() && second.isDone()).isFalse();
        for (int i = 0; i < 10; i++) {
            slots.exchangeDone();
        }
        assertThat(first.get(10, TimeUnit.SECONDS) + second.get(10, TimeUnit.SECONDS)).isEqualTo(20);
    }

    @Test
    void theWaitIsBoundedAndAStoppingAsgerDoesNotWait() throws Exception {
        WorkerSlots slots = new WorkerSlots(10, QUEUE, 200);
        slots.take(10);
        slots.exchangeDone();
        long t0 = System.nanoTime();
        assertThat(slots.take(10)).isEqualTo(1);
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(waited).isBetween(150L, 5_000L);

        WorkerSlots stopping = new WorkerSlots(10, QUEUE, 5_000);
        stopping.attach(null, () -> true);
        stopping.take(10);
        stopping.exchangeDone();
        t0 = System.nanoTime();
        assertThat(stopping.take(10)).isEqualTo(1);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(1_000);
    }

    @Test
    void withoutAFillWaitItAsksForWhatIsFree() throws Exception {
        WorkerSlots slots = new WorkerSlots(10, QUEUE);
        slots.take(9);
        long t0 = System.nanoTime();
        assertThat(slots.take(10)).isEqualTo(1);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(1_000);
    }
}
