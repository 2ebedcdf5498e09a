package io.asger.ops;

import java.util.List;

import io.asger.ExchangeProperties;
import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.NamedNode;
import org.apache.camel.Ordered;
import org.apache.camel.Processor;
import org.apache.camel.spi.InterceptStrategy;
import org.apache.camel.spi.Synchronization;
import org.apache.camel.spi.UnitOfWork;
import org.apache.camel.support.SynchronizationAdapter;
import org.apache.camel.support.processor.DelegateAsyncProcessor;
import org.slf4j.MDC;

/**
 * Every log line about a message carries its SQS message id, instance id, group, event type and task: the exchange
 * properties {@link #KEYS}, put in the logging MDC under their own names (log4j2.xml and asger-log.json read them).
 *
 * <p>Before each step of a message, on the thread that runs it, the MDC is brought up to date: a key changes only when
 * its property has changed since the last step (the same object), and all of them when the thread starts on another
 * message. They stay while the message runs on that thread, between its steps too (a retry's WARN line carries them),
 * and are removed when the message is done (a completion of its exchange, on the thread that ends it). A split's
 * part of the message running on the same thread leaves them to the message.
 * camel-mdc did the same by setting and removing every key around every step, which was a seventh of asger's CPU per
 * event (issue 17).
 */
public final class MessageLogContext implements InterceptStrategy {

    /** The exchange properties each line about a message carries, in the MDC under the same names. */
    public static final List<String> KEYS = List.of(ExchangeProperties.MESSAGE_ID, ExchangeProperties.INSTANCE_ID,
            ExchangeProperties.GROUP, ExchangeProperties.EVENT_TYPE, ExchangeProperties.TASK);

    private static final String[] NAMES = KEYS.toArray(String[]::new);

    /** Per thread: the exchange its MDC is about (slot 0), and the property values put in the MDC for it. */
    private static final ThreadLocal<Object[]> SHOWN = ThreadLocal.withInitial(() -> new Object[NAMES.length + 1]);

    @Override
    public Processor wrapProcessorInInterceptors(CamelContext context, NamedNode definition, Processor target,
            Processor nextTarget) {
        return new DelegateAsyncProcessor(target) {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                show(exchange);
                return processor.process(exchange, callback);
            }

            @Override
            public String toString() {
                return "MessageLogContext[" + processor + "]";
            }
        };
    }

    /** Brings this thread's MDC up to date with the exchange's properties. */
    static void show(Exchange exchange) {
        Object[] shown = SHOWN.get();
        boolean same = shown[0] == exchange || partOfShown(exchange, shown);
        if (!same) {
            shown[0] = exchange;
            // The keys go when the message is done (and are put anew if its steps go on on this thread).
            UnitOfWork uow = exchange.getUnitOfWork();
            if (uow != null && !uow.containsSynchronization(CLEAR)) {
                exchange.getExchangeExtension().addOnCompletion(CLEAR);
            }
        }
        // The message id, instance id, group and type are set once per message, the task at each step of the chain:
        // once the first four are there, only the task can have changed.
        int from = same && shown[1] != null && shown[2] != null && shown[3] != null && shown[4] != null ? NAMES.length - 1 : 0;
        for (int i = from; i < NAMES.length; i++) {
            Object value = exchange.getProperty(NAMES[i]);
            if (same && value == shown[i + 1]) {
                continue;
            }
            shown[i + 1] = value;
            if (value == null) {
                MDC.remove(NAMES[i]);
            } else {
                MDC.put(NAMES[i], value.toString());
            }
        }
    }

    /**
     * Whether the exchange is a part of the message this thread shows: a split's sub-exchange (CamelCorrelationId names
     * the exchange it came from) with the message's own id (the same object: a part's properties are a copy of the
     * message's). It shows the message's keys but does not own them: it ends before the message does, and a line
     * written after it (the retry's WARN when the split failed) is still about the message. A part anywhere else (of
     * another message, or on a thread of its own, as in a parallel split) owns the thread's keys until it ends.
     */
    private static boolean partOfShown(Exchange exchange, Object[] shown) {
        return shown[0] != null && shown[1] != null && exchange.getProperty(NAMES[0]) == shown[1]
                && exchange.getProperty(ExchangePropertyKey.CORRELATION_ID) != null;
    }

    /**
     * Removes a message's keys from the MDC of the thread that ends it, before the message's other completions run:
     * a line they log (a delete that failed, say) names its own messages.
     */
    private static final Synchronization CLEAR = new Clear();

    private static final class Clear extends SynchronizationAdapter implements Ordered {
        @Override
        public void onDone(Exchange exchange) {
            done(exchange);
        }

        @Override
        public int getOrder() {
            return Ordered.HIGHEST;
        }

        @Override
        public String toString() {
            return "MessageLogContext";
        }
    }

    /** Removes the keys from this thread's MDC if they are about this exchange. */
    static void done(Exchange exchange) {
        Object[] shown = SHOWN.get();
        if (shown[0] != exchange) {
            return;
        }
        for (int i = 0; i < NAMES.length; i++) {
            if (shown[i + 1] != null) {
                MDC.remove(NAMES[i]);
            }
        }
        java.util.Arrays.fill(shown, null);
    }
}
