package io.asger.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.asger.ExchangeProperties;
import io.asger.TestCamelContexts;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * The MDC a log line about a message sees, step by step, as asger installs MessageLogContext (an intercept strategy,
 * io.asger.AsgerConfiguration): the keys follow the exchange properties, belong to one message at a time, and are gone
 * when it is done, before its other completions run.
 */
class MessageLogContextTest {

    private CamelContext context;
    private ProducerTemplate producer;
    /** What the MDC held at each "look" step: step name -> the asger keys present. */
    private final List<Map<String, String>> seen = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        context = TestCamelContexts.withoutCliConnector();
        context.getCamelContextExtension().addInterceptStrategy(new MessageLogContext());
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:message")
                        .process(e -> look("start"))
                        .setProperty(ExchangeProperties.MESSAGE_ID, constant("m-1"))
                        .process(e -> look("with id"))
                        .setProperty(ExchangeProperties.INSTANCE_ID, simple("${body}"))
                        .setProperty(ExchangeProperties.EVENT_TYPE, constant("DOWN"))
                        .to("direct:task")
                        .process(e -> look("after task"));
                from("direct:task")
                        .setProperty(ExchangeProperties.TASK, constant("chef"))
                        .process(e -> look("in task"))
                        .setProperty(ExchangeProperties.TASK, constant("lifecycle"))
                        .process(e -> look("task changed"))
                        .removeProperty(ExchangeProperties.TASK)
                        .process(e -> look("task removed"));
            }
        });
        context.start();
        producer = context.createProducerTemplate();
        MDC.clear();
    }

    @AfterEach
    void stop() {
        context.stop();
        MDC.clear();
    }

    private void look(String step) {
        Map<String, String> keys = new HashMap<>();
        keys.put("step", step);
        for (String key : MessageLogContext.KEYS) {
            if (MDC.get(key) != null) {
                keys.put(key, MDC.get(key));
            }
        }
        seen.add(keys);
    }

    private Map<String, String> at(String step) {
        return seen.stream().filter(m -> m.get("step").equals(step)).reduce((a, b) -> b).orElseThrow();
    }

    @Test
    void eachStepSeesThePropertiesSetBeforeIt() {
        producer.sendBody("direct:message", "i-0123456789abcdef0");

        assertThat(at("start")).containsOnlyKeys("step");
        assertThat(at("with id")).containsOnly(Map.entry("step", "with id"), Map.entry(ExchangeProperties.MESSAGE_ID, "m-1"));
        assertThat(at("in task")).contains(Map.entry(ExchangeProperties.MESSAGE_ID, "m-1"),
                Map.entry(ExchangeProperties.INSTANCE_ID, "i-0123456789abcdef0"),
                Map.entry(ExchangeProperties.EVENT_TYPE, "DOWN"), Map.entry(ExchangeProperties.TASK, "chef"));
        assertThat(at("task changed")).containsEntry(ExchangeProperties.TASK, "lifecycle");
        assertThat(at("task removed")).doesNotContainKey(ExchangeProperties.TASK)
                .containsEntry(ExchangeProperties.INSTANCE_ID, "i-0123456789abcdef0");
        assertThat(at("after task")).containsEntry(ExchangeProperties.MESSAGE_ID, "m-1");
    }

    @Test
    void theKeysAreGoneWhenTheMessageIsDoneAndTheNextMessageStartsClean() {
        producer.sendBody("direct:message", "i-0123456789abcdef0");
        // The same thread (the producer's): nothing of the first message is left once it is done.
        for (String key : MessageLogContext.KEYS) {
            assertThat(MDC.get(key)).as(key).isNull();
        }

        // A message whose steps run while another's keys are still in this thread's MDC sees only its own.
        MDC.put(ExchangeProperties.TASK, "stale");
        MDC.put(ExchangeProperties.INSTANCE_ID, "i-stale");
        Exchange second = context.getEndpoint("direct:message").createExchange();
        second.getMessage().setBody("i-00000000000000002");
        producer.send("direct:message", second);
        assertThat(at("start")).containsOnlyKeys("step");
        assertThat(at("in task")).containsEntry(ExchangeProperties.INSTANCE_ID, "i-00000000000000002");
    }

    @Test
    void theMessagesOtherCompletionsLogWithoutItsKeys() throws Exception {
        // As receive-asg-events' first step (messageDeletes) does: a completion registered before any key is set,
        // which may log about other messages (a failed delete of a batch).
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:completing")
                        .process(e -> e.getExchangeExtension().addOnCompletion(new org.apache.camel.support.SynchronizationAdapter() {
                            @Override
                            public void onDone(Exchange done) {
                                look("completion");
                            }
                        }))
                        .setProperty(ExchangeProperties.MESSAGE_ID, constant("m-3"))
                        .setProperty(ExchangeProperties.TASK, constant("chef"))
                        .process(e -> look("last step"));
            }
        });
        producer.sendBody("direct:completing", "x");

        assertThat(at("last step")).containsEntry(ExchangeProperties.MESSAGE_ID, "m-3");
        assertThat(at("completion")).containsOnlyKeys("step");
    }

    @Test
    void aRetryAfterAFailedSplitStillNamesTheMessage() throws Exception {
        // As in the chef task: a split (each matched node, each path to delete) in a route without an error handler,
        // called by one that retries (run-task-chain). The sub-exchange the split made ends first, on this thread; the
        // retry's WARN line is written after it, before any other step.
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:chain")
                        .errorHandler(defaultErrorHandler().maximumRedeliveries(1).redeliveryDelay(0)
                                .onRedelivery(e -> look("retry")))
                        .setProperty(ExchangeProperties.MESSAGE_ID, constant("m-4"))
                        .setProperty(ExchangeProperties.INSTANCE_ID, constant("i-00000000000000004"))
                        .to("direct:splitting");
                from("direct:splitting")
                        .errorHandler(noErrorHandler())
                        .setProperty(ExchangeProperties.TASK, constant("chef"))
                        .split(constant(List.of("/clients/a", "/nodes/a"))).stopOnException()
                            .process(e -> look("in split"))
                            .throwException(new IllegalStateException("DELETE answered 503"))
                        .end();
            }
        });
        Exchange failed = producer.send("direct:chain", e -> e.getMessage().setBody("x"));

        assertThat(failed.getException()).hasMessageContaining("503");
        assertThat(at("in split")).containsEntry(ExchangeProperties.MESSAGE_ID, "m-4");
        assertThat(at("retry")).containsEntry(ExchangeProperties.MESSAGE_ID, "m-4")
                .containsEntry(ExchangeProperties.INSTANCE_ID, "i-00000000000000004")
                .containsEntry(ExchangeProperties.TASK, "chef");
        // And the message's end still takes them away, although a sub-exchange was the last to show them.
        for (String key : MessageLogContext.KEYS) {
            assertThat(MDC.get(key)).as(key).isNull();
        }
    }

    @Test
    void aPartOfAnotherMessageDoesNotLeaveItsKeysToTheMessageThisThreadShows() {
        Exchange b = new DefaultExchange(context);
        b.setProperty(ExchangeProperties.MESSAGE_ID, "m-B");
        b.setProperty(ExchangeProperties.INSTANCE_ID, "i-0000000000000000b");
        b.setProperty(ExchangeProperties.GROUP, "group-b");
        b.setProperty(ExchangeProperties.EVENT_TYPE, "DOWN");
        MessageLogContext.show(b);
        // A split's part of message A runs a step on this thread (a part of A, not of B).
        Exchange partOfA = new DefaultExchange(context);
        partOfA.setProperty(ExchangePropertyKey.CORRELATION_ID, "exchange-a");
        partOfA.setProperty(ExchangeProperties.MESSAGE_ID, "m-A");
        partOfA.setProperty(ExchangeProperties.INSTANCE_ID, "i-0000000000000000a");
        partOfA.setProperty(ExchangeProperties.GROUP, "group-a");
        partOfA.setProperty(ExchangeProperties.EVENT_TYPE, "UP");
        MessageLogContext.show(partOfA);
        assertThat(MDC.get(ExchangeProperties.MESSAGE_ID)).isEqualTo("m-A");

        MessageLogContext.show(b);

        assertThat(MDC.get(ExchangeProperties.MESSAGE_ID)).isEqualTo("m-B");
        assertThat(MDC.get(ExchangeProperties.INSTANCE_ID)).isEqualTo("i-0000000000000000b");
        assertThat(MDC.get(ExchangeProperties.GROUP)).isEqualTo("group-b");
        assertThat(MDC.get(ExchangeProperties.EVENT_TYPE)).isEqualTo("DOWN");
    }

    @Test
    void aPartOnAThreadOfItsOwnTakesItsKeysAwayWhenItEnds() throws Exception {
        ExecutorService partThread = Executors.newSingleThreadExecutor();
        try {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:parallel")
                            .setProperty(ExchangeProperties.MESSAGE_ID, constant("m-P"))
                            .split(constant(List.of("/clients/p"))).parallelProcessing().executorService(partThread)
                                .process(e -> look("in part"))
                            .end();
                }
            });
            producer.sendBody("direct:parallel", "x");

            assertThat(at("in part")).containsEntry(ExchangeProperties.MESSAGE_ID, "m-P");
            Map<String, String> left = partThread.submit(() -> {
                Map<String, String> keys = new HashMap<>();
                for (String key : MessageLogContext.KEYS) {
                    if (MDC.get(key) != null) {
                        keys.put(key, MDC.get(key));
                    }
                }
                return keys;
            }).get();
            assertThat(left).as("the part's thread, once the message is done").isEmpty();
        } finally {
            partThread.shutdownNow();
        }
    }

    @Test
    void aFailedMessageLeavesNothingBehindEither() throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:failing")
                        .setProperty(ExchangeProperties.MESSAGE_ID, constant("m-2"))
                        .process(e -> look("before failing"))
                        .throwException(new IllegalStateException("boom"));
            }
        });
        Exchange failed = producer.send("direct:failing", e -> e.getMessage().setBody("x"));

        assertThat(failed.getException()).hasMessage("boom");
        assertThat(at("before failing")).containsEntry(ExchangeProperties.MESSAGE_ID, "m-2");
        assertThat(MDC.get(ExchangeProperties.MESSAGE_ID)).isNull();
    }
}
