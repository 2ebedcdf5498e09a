package io.asger.cli;

import java.net.URI;

import io.asger.aws.AwsClients;
import io.asger.config.CoreSettings;
import io.asger.config.Settings;
import io.asger.local.LocalQueues;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The queues the daemon uses, found from the same settings: the configured ones, or local mode's. */
record Queues(URI queue, URI dlq, boolean local) {

    static Queues from(Settings settings) {
        CoreSettings core = CoreSettings.read(settings);
        if (core.localMode()) {
            int port = core.localPort();
            return new Queues(LocalQueues.queueUrl(port, LocalQueues.QUEUE), LocalQueues.queueUrl(port, LocalQueues.DLQ), true);
        }
        return new Queues(core.queueUrl().orElseThrow(), core.dlqUrl().orElseThrow(), false);
    }

    /**
     * A failure to reach the queue, said plainly when it is the local queue and nothing listens: asger is not running
     * (local mode's queue lives inside the daemon).
     */
    RuntimeException explain(software.amazon.awssdk.core.exception.SdkClientException e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (local && t instanceof java.net.ConnectException) {
                return new NotRunningException("no asger is running in local mode on " + queue.getAuthority()
                        + ": start it first (java -jar target/asger.jar, in another terminal), then try again");
            }
        }
        return e;
    }

    SqsClient client() {
        return local ? AwsClients.localSqs(URI.create(queue.getScheme() + "://" + queue.getAuthority())) : AwsClients.sqs(queue, dlq);
    }
}
