package io.asger.ops;

import java.util.Map;

import io.asger.aws.StoppableSqsClient;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness check {@code asger-queue}: UP once the queue answered asger's last receive, DOWN before the first
 * answer, after a failed one and once asger stops. With Camel's route checks, /observe/health/ready is UP only
 * when the routes are started and the queue answered a call.
 */
public class QueueReadiness extends AbstractHealthCheck {

    private final StoppableSqsClient sqs;

    public QueueReadiness(StoppableSqsClient sqs) {
        super("asger", "asger-queue");
        this.sqs = sqs;
    }

    @Override
    public boolean isLiveness() {
        // A queue that does not answer makes asger useless, not broken: restarting it would not help.
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (!sqs.receiving()) {
            builder.message("stopping: no longer receiving").down();
            return;
        }
        sqs.lastAnswer().ifPresentOrElse(answer -> {
            builder.detail("last.receive", answer.at().toString());
            if (answer.answered()) {
                builder.up();
            } else {
                builder.message("the queue did not answer the last receive: " + answer.failure()).down();
            }
        }, () -> builder.message("no answer from the queue yet").down());
    }
}
