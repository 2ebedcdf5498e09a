package io.asger.lifecycle;

import io.asger.MessageOutcome;
import io.asger.config.LifecycleSettings;
import io.asger.event.AsgEvent;
import io.asger.event.EventType;

/**
 * Which lifecycle actions asger acts on, and the result it completes each with once the message's outcome is known.
 * The routes in routes/lifecycle.camel.yaml ask it; the chain's own CONTINUE is written in routes/tasks.camel.yaml.
 */
public class LifecyclePolicy {

    /** The step name a failed completion is retried and dead-lettered as (asger-failed-task). */
    public static final String STEP = "lifecycle";

    private final LifecycleSettings settings;

    public LifecyclePolicy(LifecycleSettings settings) {
        this.settings = settings;
    }

    /** Whether asger heartbeats and completes the event's lifecycle action (it has one, and asger.lifecycle.complete). */
    public boolean actsOn(AsgEvent event) {
        return settings.complete() && event != null && event.isLifecycleAction();
    }

    /**
     * The result to complete the action with now that the message is done, or null for none: a dead-lettered
     * launch or termination gets its failure result (unless what failed was the completion itself: the tasks
     * succeeded, and a replay completes); a move into a warm pool, on which no task runs, CONTINUE. A handled
     * message was completed at the end of its chain.
     */
    public String resultWhenDone(AsgEvent event, String outcome, String failedTask) {
        if (!actsOn(event)) {
            return null;
        }
        if (MessageOutcome.DEAD_LETTERED.wire().equals(outcome) && !STEP.equals(failedTask)) {
            if (event.getType() == EventType.UP) {
                return settings.launchFailureResult();
            }
            if (event.getType() == EventType.DOWN) {
                return settings.terminateFailureResult();
            }
            return null;
        }
        if (MessageOutcome.IGNORED.wire().equals(outcome) && event.isIntoWarmPool()) {
            return "CONTINUE";
        }
        return null;
    }
}
