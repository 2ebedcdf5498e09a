package io.asger;

import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Realistic event bodies, as Auto Scaling, SNS and EventBridge produce them. */
public final class TestEvents {

    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String ACCOUNT = "123456789012";
    public static final String REGION = "us-east-1";

    private TestEvents() {
    }

    public static String snsTerminate(String instanceId, String group) {
        return sns(notification("autoscaling:EC2_INSTANCE_TERMINATE", instanceId, group));
    }

    public static String snsLaunch(String instanceId, String group) {
        return sns(notification("autoscaling:EC2_INSTANCE_LAUNCH", instanceId, group));
    }

    public static String rawTerminate(String instanceId, String group) {
        return notification("autoscaling:EC2_INSTANCE_TERMINATE", instanceId, group);
    }

    public static String rawLaunch(String instanceId, String group) {
        return notification("autoscaling:EC2_INSTANCE_LAUNCH", instanceId, group);
    }

    public static String snsTerminateError(String instanceId, String group) {
        return sns(notification("autoscaling:EC2_INSTANCE_TERMINATE_ERROR", instanceId, group));
    }

    public static String snsTest(String group) {
        ObjectNode n = JSON.createObjectNode()
                .put("AccountId", ACCOUNT).put("RequestId", UUID.randomUUID().toString())
                .put("AutoScalingGroupARN", groupArn(group)).put("AutoScalingGroupName", group)
                .put("Service", "AWS Auto Scaling").put("Event", "autoscaling:TEST_NOTIFICATION")
                .put("Time", "2026-11-25T10:00:00.000Z");
        return sns(n.toString());
    }

    public static String lifecycleTerminating(String instanceId, String group) {
        return lifecycle("autoscaling:EC2_INSTANCE_TERMINATING", instanceId, group);
    }

    public static String lifecycleLaunching(String instanceId, String group) {
        return lifecycle("autoscaling:EC2_INSTANCE_LAUNCHING", instanceId, group);
    }

    public static String eventBridgeTerminate(String instanceId, String group) {
        ObjectNode n = JSON.createObjectNode()
                .put("version", "0").put("id", UUID.randomUUID().toString())
                .put("detail-type", "EC2 Instance Terminate Successful").put("source", "aws.autoscaling")
                .put("account", ACCOUNT).put("time", "2026-11-25T10:00:00Z").put("region", REGION);
        n.putArray("resources").add(groupArn(group)).add("arn:aws:ec2:" + REGION + ":" + ACCOUNT + ":instance/" + instanceId);
        ObjectNode d = n.putObject("detail");
        d.put("StatusCode", "InProgress").put("AutoScalingGroupName", group)
                .put("ActivityId", UUID.randomUUID().toString()).put("RequestId", UUID.randomUUID().toString())
                .put("EC2InstanceId", instanceId).put("StartTime", "2026-11-25T09:59:00Z")
                .put("EndTime", "2026-11-25T10:00:00Z").put("Cause", "At 2026-11-25T09:59:00Z a user request taken");
        d.putObject("Details").put("Availability Zone", REGION + "a").put("Subnet ID", "subnet-0abc1234");
        return n.toString();
    }

    /** An EventBridge lifecycle action ("EC2 Instance-launch Lifecycle Action" or "...-terminate ...") from {@code region}. */
    public static String eventBridgeLifecycle(String detailType, String instanceId, String group, String region) {
        return eventBridgeLifecycle(detailType, instanceId, group, ACCOUNT, region);
    }

    /** As above, from {@code account} (its own account id and region: one of many accounts sending to one queue). */
    public static String eventBridgeLifecycle(String detailType, String instanceId, String group, String account,
            String region) {
        ObjectNode n = JSON.createObjectNode()
                .put("version", "0").put("id", UUID.randomUUID().toString())
                .put("detail-type", detailType).put("source", "aws.autoscaling")
                .put("account", account).put("time", "2026-11-25T10:00:00Z").put("region", region);
        n.putArray("resources").add(groupArn(group).replace(REGION, region).replace(ACCOUNT, account));
        n.putObject("detail")
                .put("LifecycleActionToken", UUID.randomUUID().toString()).put("AutoScalingGroupName", group)
                .put("LifecycleHookName", "asger-hook").put("EC2InstanceId", instanceId)
                .put("LifecycleTransition", detailType.contains("launch")
                        ? "autoscaling:EC2_INSTANCE_LAUNCHING" : "autoscaling:EC2_INSTANCE_TERMINATING")
                .put("Origin", "AutoScalingGroup").put("Destination", "EC2");
        return n.toString();
    }

    /** An EventBridge "EC2 Instance State-change Notification" from aws.ec2, as a rule on the default bus sends it. */
    public static String ec2StateChange(String instanceId, String state) {
        ObjectNode n = JSON.createObjectNode()
                .put("version", "0").put("id", UUID.randomUUID().toString())
                .put("detail-type", "EC2 Instance State-change Notification").put("source", "aws.ec2")
                .put("account", ACCOUNT).put("time", "2026-11-25T10:00:00Z").put("region", REGION);
        n.putArray("resources").add("arn:aws:ec2:" + REGION + ":" + ACCOUNT + ":instance/" + instanceId);
        n.putObject("detail").put("instance-id", instanceId).put("state", state);
        return n.toString();
    }

    /** The test notification a lifecycle hook sends straight to SQS when it is created. */
    public static String lifecycleTestNotification(String group) {
        return JSON.createObjectNode()
                .put("AccountId", ACCOUNT).put("RequestId", UUID.randomUUID().toString())
                .put("AutoScalingGroupARN", groupArn(group)).put("AutoScalingGroupName", group)
                .put("Service", "AWS Auto Scaling").put("Event", "autoscaling:TEST_NOTIFICATION")
                .put("Time", "2026-11-25T10:00:00.000Z").toString();
    }

    static String notification(String event, String instanceId, String group) {
        ObjectNode n = JSON.createObjectNode()
                .put("Origin", "AutoScalingGroup").put("Destination", "EC2")
                .put("Progress", 50).put("AccountId", ACCOUNT)
                .put("Description", "Terminating EC2 instance: " + instanceId)
                .put("RequestId", UUID.randomUUID().toString()).put("EndTime", "2026-11-25T10:00:00.000Z")
                .put("AutoScalingGroupARN", groupArn(group)).put("ActivityId", UUID.randomUUID().toString())
                .put("StartTime", "2026-11-25T09:59:00.000Z").put("Service", "AWS Auto Scaling")
                .put("Time", "2026-11-25T10:00:00.000Z").put("EC2InstanceId", instanceId)
                .put("StatusCode", "InProgress").put("StatusMessage", "")
                .put("AutoScalingGroupName", group)
                .put("Cause", "At 2026-11-25T09:59:00Z an instance was taken out of service in response to a user request.")
                .put("Event", event);
        n.putObject("Details").put("Subnet ID", "subnet-0abc1234").put("Availability Zone", REGION + "a");
        return n.toString();
    }

    static String lifecycle(String transition, String instanceId, String group) {
        return JSON.createObjectNode()
                .put("Origin", "AutoScalingGroup").put("LifecycleHookName", "asger-hook").put("Destination", "EC2")
                .put("AccountId", ACCOUNT).put("RequestId", UUID.randomUUID().toString())
                .put("LifecycleTransition", transition).put("AutoScalingGroupName", group)
                .put("Service", "AWS Auto Scaling").put("Time", "2026-11-25T10:00:00.000Z")
                .put("EC2InstanceId", instanceId).put("LifecycleActionToken", UUID.randomUUID().toString())
                .toString();
    }

    /** Wraps a message in an SNS envelope as SNS delivers it to SQS (signature fields present, not verified here). */
    public static String sns(String message) {
        return JSON.createObjectNode()
                .put("Type", "Notification").put("MessageId", UUID.randomUUID().toString())
                .put("TopicArn", "arn:aws:sns:" + REGION + ":" + ACCOUNT + ":asg-events")
                .put("Subject", "Auto Scaling: termination for group")
                .put("Message", message).put("Timestamp", "2026-11-25T10:00:00.123Z")
                .put("SignatureVersion", "1").put("Signature", "EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=")
                .put("SigningCertURL", "https://sns." + REGION + ".amazonaws.com/SimpleNotificationService-0000000000000000000000.pem")
                .put("UnsubscribeURL", "https://sns." + REGION + ".amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:"
                        + REGION + ":" + ACCOUNT + ":asg-events:00000000-0000-0000-0000-000000000000")
                .toString();
    }

    static String groupArn(String group) {
        return "arn:aws:autoscaling:" + REGION + ":" + ACCOUNT
                + ":autoScalingGroup:8e5b5b7a-0000-4000-8000-000000000000:autoScalingGroupName/" + group;
    }
}
