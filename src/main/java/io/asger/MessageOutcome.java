package io.asger;

/**
 * How handling one message ended: the value of the exchange property {@link ExchangeProperties#OUTCOME}, set where
 * it is decided, and read once by {@code direct:message-done} (routes/message-done.camel.yaml). A message without an
 * outcome (the dead-letter send failed, or asger stopped) never reaches message-done and stays in SQS.
 */
public enum MessageOutcome {
    /** The task chain ran to its end (run-task-chain). */
    HANDLED("handled"),
    /** Sent to the dead-letter queue (send-to-dead-letter-queue, once the DLQ accepted it). */
    DEAD_LETTERED("dead-lettered"),
    /** Not for asger: another group, an unknown event, an SNS subscription message (route-by-event-type). */
    IGNORED("ignored"),
    /** An Auto Scaling or lifecycle-hook test notification (route-by-event-type). */
    TEST("test");

    private final String wire;

    MessageOutcome(String wire) {
        this.wire = wire;
    }

    /** The value in the exchange property, the log line and the metric tag. */
    public String wire() {
        return wire;
    }

    public static MessageOutcome fromWire(String value) {
        for (MessageOutcome o : values()) {
            if (o.wire.equals(value)) {
                return o;
            }
        }
        throw new IllegalArgumentException("not a message outcome: '" + value + "'");
    }

    @Override
    public String toString() {
        return wire;
    }
}
