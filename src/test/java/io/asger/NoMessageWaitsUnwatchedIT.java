package io.asger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, section 4: with every worker busy, no received message waits unwatched. Tasks slower than the visibility
 * timeout and more messages than workers, against ElasticMQ (moto's receive is not atomic: it would measure moto).
 * Before the fix the consumer thread ran a message itself once the workers and their queue were full, while the rest
 * of its poll waited with no visibility extension: those expired, were received again and handled twice.
 */
class NoMessageWaitsUnwatchedIT {

    static final List<String> TEST_TASKS = List.of("classpath:test-routes/recording-tasks.camel.yaml");

    @BeforeEach
    void reset() {
        TaskRecorder.reset();
    }

    @Test
    void slowTasksAndMoreMessagesThanWorkersAreEachHandledOnce() {
        // 1 consumer: 10 workers. 25 messages: more than the workers and the old pool's queue together.
        int messages = 25;
        List<String> ids = IntStream.range(0, messages).mapToObj(i -> String.format("i-%08x", 0x5100 + i)).toList();
        long start = System.nanoTime();
        try (AsgerTestApp app = AsgerTestApp.start(Map.of(
                "asger.tasks", "slow", "test.slow-task-ms", "12000",
                "asger.concurrency", "1", "asger.visibility-timeout-seconds", "10"),
                TEST_TASKS, ids.stream().map(id -> TestEvents.rawTerminate(id, "web")).toList())) {
            app.awaitDrained(Duration.ofSeconds(150));
            double seconds = (System.nanoTime() - start) / 1e9;

            Map<String, Long> handled = TaskRecorder.calls().stream()
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            long doubles = handled.values().stream().filter(n -> n > 1).mapToLong(n -> n - 1).sum();
            System.out.printf("[section 4] events %d, workers 10, task 12 s, visibility 10 s: %.1f s, handled %d, "
                    + "double handlings %d, dead letters %d%n", messages, seconds, TaskRecorder.calls().size(),
                    doubles, app.dlq().size());
            assertThat(doubles).as("double handlings").isZero();
            assertThat(handled.keySet()).containsExactlyInAnyOrderElementsOf(
                    ids.stream().map(id -> "slow-down:" + id).toList());
            assertThat(app.dlq()).isEmpty();
        }
    }
}
