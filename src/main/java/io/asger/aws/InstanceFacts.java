package io.asger.aws;

/** What the Route 53 task needs to know about one EC2 instance. A getter-only bean for the routes' simple language. */
public final class InstanceFacts {

    /** State reported for an instance EC2 no longer knows. */
    public static final String ABSENT = "absent";

    private final String instanceId;
    private final String state;
    private final String privateIp;
    private final String publicIp;
    private final String addressKind;
    private final String region;
    private final String groupName;

    /** @param addressKind which address the record gets: "private" or "public" */
    public InstanceFacts(String instanceId, String state, String privateIp, String publicIp, String addressKind) {
        this(instanceId, state, privateIp, publicIp, addressKind, null);
    }

    /** @param region the region EC2 was asked in (null when not known) */
    public InstanceFacts(String instanceId, String state, String privateIp, String publicIp, String addressKind,
            String region) {
        this(instanceId, state, privateIp, publicIp, addressKind, region, null);
    }

    /** @param groupName the Auto Scaling group EC2 tags the instance with (aws:autoscaling:groupName); null: none */
    public InstanceFacts(String instanceId, String state, String privateIp, String publicIp, String addressKind,
            String region, String groupName) {
        this.groupName = groupName;
        this.region = region;
        this.instanceId = instanceId;
        this.state = state;
        this.privateIp = privateIp;
        this.publicIp = publicIp;
        this.addressKind = addressKind;
    }

    public static InstanceFacts absent(String instanceId) {
        return new InstanceFacts(instanceId, ABSENT, null, null, "private");
    }

    public String getInstanceId() {
        return instanceId;
    }

    /** EC2's state name (pending, running, shutting-down, terminated, stopping, stopped) or {@value #ABSENT}. */
    public String getState() {
        return state;
    }

    /** The region the instance was looked up in; null when not known. */
    public String getRegion() {
        return region;
    }

    /**
     * The Auto Scaling group the instance belongs to by its {@code aws:autoscaling:groupName} tag; null when it is in
     * none (or EC2 no longer knows it).
     */
    public String getGroupName() {
        return groupName;
    }

    public String getPrivateIp() {
        return privateIp;
    }

    public String getPublicIp() {
        return publicIp;
    }

    /** Pending or running: a launch event for it is current, not stale or out of order. */
    public boolean isLaunching() {
        return "pending".equals(state) || "running".equals(state);
    }

    /** The address the A record gets (asger.route53.address: private or public); null when it has none. */
    public String getAddress() {
        return "public".equals(addressKind) ? publicIp : privateIp;
    }

    @Override
    public String toString() {
        return instanceId + " (" + state + ", private " + privateIp + ", public " + publicIp + ")";
    }
}
