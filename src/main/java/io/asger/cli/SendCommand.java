package io.asger.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.asger.config.CoreSettings;
import io.asger.config.Settings;
import io.asger.event.AsgEvent;
import io.asger.event.AsgEventNormalizer;
import io.asger.event.InvalidMessageException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/**
 * {@code asger send [--raw] FILE...}: sends each file's content, unchanged, as one message to asger's queue. Each
 * file is first read by the same normalizer the daemon uses: a file asger would dead-letter is refused with the
 * reason (exit 65) and nothing is sent, unless {@code --raw} (to try out the dead-letter path on purpose).
 */
public final class SendCommand {

    /** EX_DATAERR: an event file that is not an event asger handles. */
    public static final int REFUSED = 65;

    private SendCommand() {
    }

    public static int run(String[] args, Settings settings, PrintStream out) throws IOException {
        boolean raw = false;
        List<String> files = new ArrayList<>();
        for (String arg : args) {
            if (arg.equals("--raw")) {
                raw = true;
            } else {
                files.add(arg);
            }
        }
        if (files.isEmpty()) {
            throw new UsageException("send needs at least one event file, e.g. examples/events/terminate-sns.json");
        }
        AsgEventNormalizer normalizer = new AsgEventNormalizer(settings.text(CoreSettings.GROUPS, ""),
                settings.text(CoreSettings.FORMATS, AsgEventNormalizer.AUTOSCALING));
        List<String> bodies = new ArrayList<>();
        List<String> descriptions = new ArrayList<>();
        for (String file : files) {
            Path path = Path.of(file);
            if (Files.isDirectory(path)) {
                throw new UsageException("'" + file + "' is a directory; name the event files in it, e.g. " + file
                        + "/*.json");
            }
            if (!Files.isReadable(path)) {
                throw new UsageException("cannot read event file '" + file + "'");
            }
            String body = Files.readString(path, StandardCharsets.UTF_8);
            if (body.isBlank()) {
                System.err.println("asger: '" + file + "' is empty: an event file holds one message body, "
                        + "as in examples/events/; nothing sent");
                return REFUSED;
            }
            String description;
            try {
                description = describe(normalizer.normalize(body, file));
            } catch (InvalidMessageException e) {
                if (!raw) {
                    System.err.println("asger: refused " + e.getMessage().replaceFirst("^invalid message ", "")
                            + "; asger would dead-letter it. Nothing sent (--raw sends it anyway)");
                    return REFUSED;
                }
                description = "not an event asger handles (sent with --raw: it will be dead-lettered): "
                        + e.getMessage().replaceFirst("^invalid message [^:]*: ", "");
            }
            bodies.add(body);
            descriptions.add(description);
        }
        Queues queues = Queues.from(settings);
        try (SqsClient sqs = queues.client()) {
            for (int i = 0; i < files.size(); i++) {
                SendMessageResponse sent = sqs.sendMessage(SendMessageRequest.builder()
                        .queueUrl(queues.queue().toString()).messageBody(bodies.get(i)).build());
                out.println("sent " + files.get(i) + " as message " + sent.messageId() + " to " + queues.queue() + ": "
                        + descriptions.get(i));
            }
        } catch (SdkClientException e) {
            throw queues.explain(e);
        }
        return 0;
    }

    /** What the event is, in a few words: {@code DOWN i-0abc... in group web}. */
    static String describe(AsgEvent e) {
        String group = e.getGroupName() == null ? "" : " in group " + e.getGroupName();
        return switch (e.getType()) {
            case TEST -> "TEST notification" + group;
            case IGNORED -> "IGNORED (" + e.getReason() + "): asger will acknowledge it and do nothing";
            default -> e.getType() + " " + (e.getInstanceId() == null ? "(no instance was created)" : e.getInstanceId())
                    + group + (e.getLifecycleHookName() == null ? "" : ", lifecycle hook " + e.getLifecycleHookName());
        };
    }
}
