package io.asger.route53;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import io.asger.AsgerTestApp;
import io.asger.TestEvents;
import io.asger.errors.DeadLetterAttributes;
import io.asger.peers.Moto;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceType;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The route53 task for EC2 state-change events, which name no group: the instance's aws:autoscaling:groupName tag
 * stands in for it, an instance in no group needs a template without {groupName}, and a terminated one's records go.
 */
class Route53GrouplessIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String BY_GROUP = "{groupName}-{privateIpDashed}.asg.example.com";
    static final String BY_ID = "{instanceId}.asg.example.com";

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

    private AsgerTestApp start(String template) {
        return AsgerTestApp.start(Map.of(
                "asger.tasks", "log,route53",
                "asger.formats", "autoscaling,ec2-state-change",
                "asger.route53.zone-id", zoneId,
                "asger.route53.record-name", template));
    }

    private Instance bareInstance() {
        String image = aws.ec2.describeImages(b -> b.owners("amazon")).images().get(0).imageId();
        return aws.ec2.runInstances(b -> b.imageId(image).instanceType(InstanceType.T3_MICRO).minCount(1).maxCount(1))
                .instances().get(0);
    }

    @Test
    void anInstanceInAGroupGetsTheNameItsAutoScalingEventWouldGiveIt() {
        Instance i = aws.createGroup("web", 1, null).get(0);
        try (AsgerTestApp app = start(BY_GROUP)) {
            app.send(TestEvents.ec2StateChange(i.instanceId(), "running"));
            app.awaitDrained(WAIT);

            assertThat(app.dlq()).isEmpty();
            String name = "web-" + i.privateIpAddress().replace('.', '-') + ".asg.example.com.";
            assertThat(aws.record(zoneId, name, "A")).contains(i.privateIpAddress());
        }
    }

    @Test
    void aTemplateNeedingTheGroupIsAPermanentFailureForAnInstanceInNoGroup() {
        Instance i = bareInstance();
        try (AsgerTestApp app = start(BY_GROUP)) {
            app.send(TestEvents.ec2StateChange(i.instanceId(), "running"));
            Message dead = app.awaitDlq(1, WAIT).get(0);
            app.awaitDrained(WAIT);

            assertThat(dead.messageAttributes().get(DeadLetterAttributes.ERROR_KIND).stringValue()).isEqualTo("permanent");
            assertThat(dead.messageAttributes().get(DeadLetterAttributes.ERROR_MESSAGE).stringValue())
                    .isEqualTo("record name template '" + BY_GROUP + "' needs {groupName}, but instance "
                            + i.instanceId() + " is in no Auto Scaling group (an ec2-state-change event names none): "
                            + "use a template without {groupName} in asger.route53.record-name");
            assertThat(aws.records(zoneId)).isEmpty();
        }
    }

    @Test
    void anInstanceInNoGroupGetsItsRecordOnRunningAndLosesItOnTerminated() {
        Instance i = bareInstance();
        String name = i.instanceId() + ".asg.example.com.";
        try (AsgerTestApp app = start(BY_ID)) {
            app.send(TestEvents.ec2StateChange(i.instanceId(), "running"));
            app.awaitDrained(WAIT);
            assertThat(aws.record(zoneId, name, "A")).contains(i.privateIpAddress());

            aws.ec2.terminateInstances(b -> b.instanceIds(i.instanceId()));
            app.send(TestEvents.ec2StateChange(i.instanceId(), "terminated"));
            app.awaitDrained(WAIT);

            assertThat(app.dlq()).isEmpty();
            assertThat(aws.records(zoneId)).isEmpty();
        }
    }
}
