package io.asger.aws;

import org.apache.camel.component.aws2.sqs.Sqs2HeaderFilterStrategy;

/**
 * The SQS endpoints' header filter, in both directions. Camel turns every SQS message attribute into a message
 * header, and headers named {@code Camel...} steer components: an attribute {@code CamelAwsSqsOperation=purgeQueue}
 * would make the dead-letter producer purge the DLQ, and {@code CamelHttpUri} would redirect a task's HTTP call.
 * Anyone who can publish to the topic or send to the queue can set attributes, so none of Camel's names come in.
 */
public class SqsHeaderFilter extends Sqs2HeaderFilterStrategy {

    static final String CAMEL_NAMES = "(?i)(breadcrumbId|Camel|org\\.apache\\.camel).*";

    @Override
    protected void initialize() {
        super.initialize();
        setInFilterPattern(CAMEL_NAMES);
        setOutFilterPattern(CAMEL_NAMES);
    }
}
