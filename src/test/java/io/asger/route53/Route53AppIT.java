package io.asger.route53;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.asger.AsgerTestApp;
import io.asger.TestEvents;
import io.asger.peers.Moto;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.sqs.model.Message;

/** The whole application: events through a real queue, the task chain, route53 against moto. */
class Route53AppIT {

    private final Moto moto = Moto.shared();
    private MotoAws aws;
    private String zoneId;

    @BeforeEach
    void account() {
        moto.reset();
        MotoAws.pointSdkAtMoto(moto);
        aws = new MotoAws(moto);
        zoneId = aws.createZone();
    }

    @AfterEach
    void close() {
        aws.close();
    }

    private AsgerTestApp start() {
        return AsgerTestApp.start(Map.of(
                "asger.tasks", "log,route53",
                "asger.route53.zone-id", zoneId,
                "asger.route53.record-name", "{groupName}-{privateIpDashed}.asg.example.com"));
    }

    private static String nameOf(String group, Instance i) {
        return group + "-" + i.privateIpAddress().replace('.', '-') + ".asg.example.com.";
    }

    @Test
    void launchAndTerminateEventsFromTheQueueWriteAndRemoveRecords() {
        List<Instance> web = aws.createGroup("web", 3, null);
        try (AsgerTestApp app = start()) {
            web.forEach(i -> app.send(TestEvents.snsLaunch(i.instanceId(), "web")));
            app.awaitDrained(Duration.ofSeconds(60));

            web.forEach(i -> assertThat(aws.record(zoneId, nameOf("web", i), "A")).contains(i.privateIpAddress()));

            aws.terminate(web.get(0).instanceId());
            app.send(TestEvents.lifecycleTerminating(web.get(0).instanceId(), "web"));
            app.awaitDrained(Duration.ofSeconds(60));

            assertThat(aws.records(zoneId)).hasSize(4).doesNotContainKey(nameOf("web", web.get(0)) + " A");
            assertThat(app.dlq()).isEmpty();
        }
    }

    @Test
    void dryRunLogsTheExactChangeBatchAndChangesNothing() {
        Instance i = aws.createGroup("web", 1, null).get(0);
        try (AsgerTestApp app = AsgerTestApp.start(Map.of(
                "asger.tasks", "route53",
                "asger.dry-run", "true",
                "asger.route53.zone-id", zoneId,
                "asger.route53.record-name", "{groupName}-{privateIpDashed}.asg.example.com"))) {
            app.send(TestEvents.snsLaunch(i.instanceId(), "web"));
            app.awaitDrained(Duration.ofSeconds(60));

            String name = nameOf("web", i);
            assertThat(app.logText()).contains("dry-run: would send ChangeResourceRecordSets to hosted zone " + zoneId
                    + " with 2 changes: UPSERT A " + name + " 60 " + i.privateIpAddress() + "; UPSERT TXT " + name
                    + " 60 \"heritage=asger,asger/instance-id=" + i.instanceId() + ",asger/region=us-east-1\"");
            assertThat(aws.records(zoneId)).isEmpty();
        }
    }

    @Test
    void aGroupNameThatIsNotADnsNameIsDeadLetteredAtOnceAndTheOtherEventsAreDone() {
        List<Instance> bad = aws.createGroup("web_blue", 1, null);
        List<Instance> good = aws.createGroup("web", 2, null);
        try (AsgerTestApp app = start()) {
            app.send(TestEvents.snsLaunch(bad.get(0).instanceId(), "web_blue"));
            good.forEach(i -> app.send(TestEvents.snsLaunch(i.instanceId(), "web")));

            List<Message> dead = app.awaitDlq(1, Duration.ofSeconds(60));
            app.awaitDrained(Duration.ofSeconds(60));

            assertThat(dead).hasSize(1);
            assertThat(dead.get(0).messageAttributes().get("asger-error-kind").stringValue()).isEqualTo("permanent");
            assertThat(dead.get(0).messageAttributes().get("asger-error-message").stringValue())
                    .contains("web_blue").contains("not a legal DNS name");
            good.forEach(i -> assertThat(aws.record(zoneId, nameOf("web", i), "A")).contains(i.privateIpAddress()));
        }
    }
}
