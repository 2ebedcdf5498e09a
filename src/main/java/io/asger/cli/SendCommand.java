package io.asger.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.asger.config.Settings;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/** {@code asger send FILE...}: sends each file's content, unchanged, as one message to asger's queue. */
public final class SendCommand {

    private SendCommand() {
    }

    public static int run(String[] args, Settings settings, PrintStream out) throws IOException {
        if (args.length == 0) {
            throw new UsageException("send needs at least one event file, e.g. examples/events/terminate-sns.json");
        }
        for (String file : args) {
            if (!Files.isReadable(Path.of(file))) {
                throw new UsageException("cannot read event file '" + file + "'");
            }
        }
        Queues queues = Queues.from(settings);
        try (SqsClient sqs = queues.client()) {
            for (String file : args) {
                String body = Files.readString(Path.of(file), StandardCharsets.UTF_8);
                SendMessageResponse sent = sqs.sendMessage(SendMessageRequest.builder()
                        .queueUrl(queues.queue().toString()).messageBody(body).build());
                out.println("sent " + file + " as message " + sent.messageId() + " to " + queues.queue());
            }
        }
        return 0;
    }
}
