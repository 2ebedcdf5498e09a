package io.asger;

/**
 * The names of the exchange properties the route files and the beans share: one list, so that YAML
 * ({@code ${exchangeProperty.event}}) and Java ({@code exchange.getProperty(ExchangeProperties.EVENT)}) cannot drift.
 * Each route file's header names the ones it uses.
 */
public final class ExchangeProperties {

    /** The message as one {@link io.asger.event.AsgEvent}; set by the router, absent for a body that did not parse. */
    public static final String EVENT = "event";
    /** The task running now (e.g. {@code chef}), while {@code run-one-task} calls it. */
    public static final String TASK = "task";
    /** The tasks of this message's chain, in the order they run ({@code []} for a message that runs none). */
    public static final String TASKS = "tasks";
    /** The SQS message id. */
    public static final String MESSAGE_ID = "asgerMessageId";
    /** The SQS receipt handle: the consumer deletes the message with it. */
    public static final String RECEIPT_HANDLE = "asgerReceiptHandle";
    /** When the message first failed (ISO-8601); a replayed dead letter brings it along. */
    public static final String FIRST_FAILURE_TIME = "asgerFirstFailureTime";
    /** How handling the message ended, one of {@link MessageOutcome}'s wire values; set where it is decided. */
    public static final String OUTCOME = "asgerOutcome";
    /** Why AWS says a DOWN event's instance is really going away (io.asger.aws.TerminationCheck), for the log. */
    public static final String TERMINATION_CHECK = "asgerTerminationCheck";
    /** Attempts of the failing task so far (the dead-letter channel counts them). */
    public static final String ATTEMPTS = "asgerAttempts";
    /** CONTINUE or ABANDON: the result direct:complete-lifecycle-action completes the event's lifecycle action with. */
    public static final String LIFECYCLE_RESULT = "asgerLifecycleResult";
    /** The task that failed ({@code none}: the message itself was refused). */
    public static final String FAILED_TASK = "asgerFailedTask";
    /** The message's SQS SentTimestamp (epoch millis): where the end-to-end handling time starts. */
    public static final String SENT_TIMESTAMP = "asgerSentTimestamp";
    /**
     * The event's instance id, group and type (as text), read off {@link #EVENT} once by route-by-event-type: every log
     * line about the message carries them (io.asger.ops.MessageLogContext), and steps read them as plain properties
     * (an expression reading {@code ${exchangeProperty.event.instanceId}} is an OGNL call, which copies the exchange).
     */
    public static final String INSTANCE_ID = "asgerInstanceId";
    public static final String GROUP = "asgerGroup";
    public static final String EVENT_TYPE = "asgerEventType";
    /** The event's direction (up, down, up-failed, down-failed): run-one-task calls direct:TASK-DIRECTION. */
    public static final String DIRECTION = "asgerDirection";
    /** Whether asger heartbeats and completes the event's lifecycle action (io.asger.lifecycle.LifecyclePolicy#actsOn). */
    public static final String LIFECYCLE_ACTION = "asgerLifecycleAction";

    /** The reconcile sweep's plan (io.asger.reconcile.ReconcilePlan), in routes/reconcile.camel.yaml. */
    public static final String RECONCILE_PLAN = "reconcilePlan";
    /** Given to direct:reconcile-sweep: true for a dry run (the plan is printed, nothing enqueued). */
    public static final String RECONCILE_DRY_RUN = "reconcileDryRun";

    private ExchangeProperties() {
    }
}
