package io.asger.ship;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * deploy/ checked as far as it can be without AWS or a cluster: the IAM policy's actions exist in the AWS SDK's
 * service models (each operation is a {@code <Op>Request} class of the SDK module), the CloudFormation template is
 * consistent and passes cfn-lint (which carries CloudFormation's resource schemas), and the Kubernetes objects read
 * strictly into the Kubernetes API model (fabric8's classes, generated from the Kubernetes OpenAPI schema).
 */
class DeployKitTest {

    static final Path DEPLOY = Path.of("deploy");
    static final ObjectMapper JSON = new ObjectMapper();
    /** IAM service prefix to the AWS SDK v2 module package that models it. */
    static final Map<String, String> SDK_PACKAGE = Map.of("sqs", "sqs", "ec2", "ec2", "autoscaling", "autoscaling",
            "route53", "route53", "sts", "sts");
    /** The parts of asger a statement may be for: its Sid starts with one. */
    static final List<String> TASKS = List.of("Intake", "DeadLetter", "Replay", "TerminationCheck", "Lifecycle", "Route53",
            "Accounts");
    /** Every CloudFormation template in deploy/: cfn-lint checks each. */
    static final List<String> TEMPLATES = List.of("cloudformation.yaml", "member-account.yaml");

    @Test
    void everyIamActionExistsInTheAwsSdkServiceModels() throws Exception {
        JsonNode policy = JSON.readTree(DEPLOY.resolve("iam-policy.json").toFile());
        assertThat(policy.path("Version").asText()).isEqualTo("2012-10-17");
        List<String> unknown = new ArrayList<>();
        for (String action : actions(policy).values().stream().flatMap(Collection::stream).toList()) {
            String[] parts = action.split(":", 2);
            String pkg = SDK_PACKAGE.get(parts[0]);
            assertThat(pkg).as("service of " + action).isNotNull();
            assertThat(parts[1]).as(action + ": no wildcards in a least-privilege policy").matches("[A-Z][A-Za-z0-9]+");
            try {
                Class.forName("software.amazon.awssdk.services." + pkg + ".model." + parts[1] + "Request");
            } catch (ClassNotFoundException e) {
                unknown.add(action);
            }
        }
        assertThat(unknown).as("IAM actions that are no operation of their service").isEmpty();
    }

    @Test
    void eachIamStatementNamesTheTaskThatNeedsItAndOnlyDescribeCallsGetEveryResource() throws Exception {
        JsonNode policy = JSON.readTree(DEPLOY.resolve("iam-policy.json").toFile());
        for (JsonNode statement : policy.path("Statement")) {
            String sid = statement.path("Sid").asText();
            assertThat(sid).matches("[A-Za-z0-9]+");
            assertThat(TASKS).as("task named by Sid " + sid).anyMatch(sid::startsWith);
            assertThat(statement.path("Effect").asText()).isEqualTo("Allow");
            if (statement.path("Resource").asText().equals("*")) {
                assertThat(strings(statement.path("Action"))).as(sid + " on every resource")
                        .allMatch(a -> a.split(":")[1].startsWith("Describe"));
            }
        }
    }

    @Test
    void theStackRoleGrantsExactlyWhatThePolicyFileGrants() throws Exception {
        Map<String, Object> template = cloudFormation();
        Map<String, Object> role = map(map(template.get("Resources")).get("AsgerRole"));
        Map<String, Object> document = map(map(((List<?>) map(role.get("Properties")).get("Policies")).get(0)).get("PolicyDocument"));
        Map<String, Set<String>> stack = new TreeMap<>();
        for (Object s : (List<?>) document.get("Statement")) {
            Map<String, Object> statement = map(s);
            if (statement.containsKey("Fn::If")) {
                // [condition, statement when true, AWS::NoValue]: the statement as it is with the condition met.
                statement = map(((List<?>) statement.get("Fn::If")).get(1));
            }
            stack.put((String) statement.get("Sid"), new TreeSet<>(strings(JSON.valueToTree(statement.get("Action")))));
        }
        assertThat(stack).isEqualTo(actions(JSON.readTree(DEPLOY.resolve("iam-policy.json").toFile())));
    }

    @Test
    void theStackIsConsistent() throws Exception {
        Map<String, Object> template = cloudFormation();
        Map<String, Object> resources = map(template.get("Resources"));
        Set<String> parameters = map(template.get("Parameters")).keySet();
        Set<String> conditions = map(template.get("Conditions")).keySet();
        Pattern type = Pattern.compile("AWS::[A-Za-z0-9]+::[A-Za-z0-9]+");
        resources.forEach((name, r) -> {
            Map<String, Object> resource = map(r);
            assertThat((String) resource.get("Type")).as(name).matches(type);
            if (resource.containsKey("Condition")) {
                assertThat(conditions).as(name + "'s condition").contains((String) resource.get("Condition"));
            }
        });
        List<String> dangling = new ArrayList<>();
        walk(template, (fn, arg) -> {
            String target = switch (fn) {
                case "Ref" -> (String) arg;
                case "Fn::GetAtt" -> (String) ((List<?>) arg).get(0);
                default -> null;
            };
            if (target != null && !target.startsWith("AWS::") && !resources.containsKey(target)
                    && !parameters.contains(target)) {
                dangling.add(fn + " " + target);
            }
        });
        assertThat(dangling).as("references to nothing").isEmpty();
        // Queue and DLQ take the same largest message: a dead letter is the original body.
        assertThat(map(map(resources.get("EventsQueue")).get("Properties")).get("MaximumMessageSize"))
                .isEqualTo(map(map(resources.get("EventsDeadLetterQueue")).get("Properties")).get("MaximumMessageSize"));
        Map<String, Object> redrive = map(map(map(resources.get("EventsQueue")).get("Properties")).get("RedrivePolicy"));
        assertThat(redrive.get("deadLetterTargetArn")).isEqualTo(Map.of("Fn::GetAtt", List.of("EventsDeadLetterQueue", "Arn")));
    }

    /**
     * The EC2 state-change rule sends exactly the events asger acts on: each state its pattern names normalizes to UP
     * or DOWN (with asger.formats ec2-state-change), and the queue policy lets that rule send.
     */
    @Test
    void theEc2StateChangeRuleSendsOnlyWhatAsgerActsOnAndMaySend() throws Exception {
        Map<String, Object> resources = map(cloudFormation().get("Resources"));
        Map<String, Object> rule = map(resources.get("Ec2StateChangeRule"));
        assertThat(rule.get("Condition")).isEqualTo("UseEc2StateChanges");
        Map<String, Object> pattern = map(map(rule.get("Properties")).get("EventPattern"));
        assertThat(pattern.get("source")).isEqualTo(List.of("aws.ec2"));
        List<?> detailTypes = (List<?>) pattern.get("detail-type");
        List<?> states = (List<?>) map(pattern.get("detail")).get("state");
        io.asger.event.AsgEventNormalizer normalizer = new io.asger.event.AsgEventNormalizer("", "ec2-state-change");
        List<io.asger.event.EventType> types = new ArrayList<>();
        for (Object detailType : detailTypes) {
            for (Object state : states) {
                String body = io.asger.TestEvents.ec2StateChange("i-0123456789abcdef0", (String) state)
                        .replace("EC2 Instance State-change Notification", (String) detailType);
                types.add(normalizer.normalize(body, "rule-" + state).getType());
            }
        }
        assertThat(types).containsExactlyInAnyOrder(io.asger.event.EventType.UP, io.asger.event.EventType.DOWN);
        assertThat(JSON.writeValueAsString(resources.get("EventsQueuePolicy")))
                .contains("{\"Fn::GetAtt\":[\"Ec2StateChangeRule\",\"Arn\"]}");
    }

    @Test
    void theMemberAccountRoleGrantsWhatAsgerDoesForAnEventThereAndTrustsOnlyTheCentralAccountWithTheExternalId()
            throws Exception {
        Map<String, Object> resources = map(cloudFormation("member-account.yaml").get("Resources"));
        Map<String, Object> role = map(map(resources.get("AsgerMemberRole")).get("Properties"));
        Set<String> granted = new TreeSet<>();
        Map<String, Object> document = map(map(((List<?>) role.get("Policies")).get(0)).get("PolicyDocument"));
        for (Object statement : (List<?>) document.get("Statement")) {
            granted.addAll(strings(JSON.valueToTree(map(statement).get("Action"))));
        }
        // The calls asger makes for an event in a member account (io.asger.aws.AccountClients' clients), nothing more.
        assertThat(granted).containsExactlyInAnyOrder("ec2:DescribeInstances", "autoscaling:DescribeAutoScalingInstances",
                "autoscaling:DescribeLifecycleHooks", "autoscaling:DescribeTags", "autoscaling:CompleteLifecycleAction",
                "autoscaling:RecordLifecycleActionHeartbeat");
        for (String action : granted) {
            String[] parts = action.split(":", 2);
            Class.forName("software.amazon.awssdk.services." + SDK_PACKAGE.get(parts[0]) + ".model." + parts[1] + "Request");
        }
        Map<String, Object> trust = map(((List<?>) map(role.get("AssumeRolePolicyDocument")).get("Statement")).get(0));
        assertThat(trust.get("Action")).isEqualTo("sts:AssumeRole");
        assertThat(JSON.valueToTree(trust.get("Condition")).toString()).contains("sts:ExternalId").contains("ExternalId");
        assertThat(JSON.valueToTree(trust.get("Principal")).toString()).contains("CentralAccountId").contains("AsgerRoleArn");
        // The forwarding rule targets the central account's bus, with a role, as a cross-account target needs.
        Map<String, Object> target = map(((List<?>) map(map(resources.get("ForwardAutoScalingEventsToCentralBus"))
                .get("Properties")).get("Targets")).get(0));
        assertThat(JSON.valueToTree(target.get("Arn")).toString()).contains("${CentralAccountId}:event-bus/default");
        assertThat(target.get("RoleArn")).isEqualTo(Map.of("Fn::GetAtt", List.of("ForwardToCentralBusRole", "Arn")));
    }

    @Test
    void cfnLintAcceptsEveryTemplate() throws Exception {
        String cfnLint = executable("cfn-lint", System.getProperty("user.home") + "/.pyenv/shims",
                System.getProperty("user.home") + "/.local/bin");
        assertThat(cfnLint).as("cfn-lint (on PATH or in ~/.pyenv/shims), which carries CloudFormation's resource schemas").isNotNull();
        try (var files = Files.list(DEPLOY)) {
            // A template added to deploy/ is linted too: it must be named here.
            assertThat(files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".yaml") && !f.equals("kubernetes.yaml")))
                    .containsExactlyInAnyOrderElementsOf(TEMPLATES);
        }
        List<String> command = new ArrayList<>(List.of(cfnLint));
        TEMPLATES.forEach(t -> command.add(DEPLOY.resolve(t).toString()));
        Process lint = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(lint.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(lint.exitValue()).as(out).isZero();
    }

    @Test
    void kubernetesObjectsReadStrictlyIntoTheKubernetesApiModel() throws Exception {
        Map<String, KubernetesResource> objects = kubernetes();
        assertThat(objects.keySet()).containsExactly("Namespace/asger", "ServiceAccount/asger", "ConfigMap/asger-settings",
                "ConfigMap/asger-routes", "Deployment/asger", "PodDisruptionBudget/asger");
        for (var e : objects.entrySet()) {
            List<String> unknown = new ArrayList<>();
            unknownFields(e.getValue(), e.getKey(), unknown);
            assertThat(unknown).as("fields the Kubernetes API does not have").isEmpty();
        }
    }

    @Test
    void theDeploymentRunsSeveralReplicasWithProbesRolesAndRoutesAsTheImageExpects() throws Exception {
        Map<String, KubernetesResource> objects = kubernetes();
        Deployment deployment = (Deployment) objects.get("Deployment/asger");
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container asger = pod.getContainers().get(0);

        assertThat(deployment.getSpec().getReplicas()).isGreaterThan(1);
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(((ServiceAccount) objects.get("ServiceAccount/asger")).getMetadata().getAnnotations())
                .containsKey("eks.amazonaws.com/role-arn");
        assertThat(pod.getServiceAccountName()).isEqualTo("asger");

        assertThat(asger.getPorts()).anyMatch(p -> p.getName().equals("management") && p.getContainerPort() == 9876);
        assertProbe(asger.getLivenessProbe(), "/observe/health/live");
        assertProbe(asger.getReadinessProbe(), "/observe/health/ready");
        assertThat(Files.readString(Path.of("Dockerfile"))).contains("/observe/health/ready");

        assertThat(asger.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(asger.getResources().getLimits()).containsKey("memory");

        Properties defaults = new Properties();
        try (var in = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            defaults.load(in);
        }
        long shutdownTimeout = Long.parseLong(defaults.getProperty("camel.main.shutdown-timeout").trim());
        assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThan(shutdownTimeout);

        // The image's user and routes directory (Dockerfile: USER 10001, ASGER_ROUTES_DIR=/opt/asger/routes).
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(Files.readString(Path.of("Dockerfile"))).contains("USER " + pod.getSecurityContext().getRunAsUser() + ":");
        assertThat(asger.getVolumeMounts()).anyMatch(m -> m.getMountPath().equals("/opt/asger/routes"));
        Volume custom = pod.getVolumes().stream().filter(v -> v.getConfigMap() != null).findFirst().orElseThrow();
        assertThat(custom.getConfigMap().getName()).isEqualTo("asger-routes");
        assertThat(((ConfigMap) objects.get("ConfigMap/asger-routes")).getData().keySet()).allMatch(f -> f.matches(".+\\.camel\\.(yaml|xml)"));
        assertThat(((Namespace) objects.get("Namespace/asger")).getMetadata().getName()).isEqualTo("asger");
        assertThat(((PodDisruptionBudget) objects.get("PodDisruptionBudget/asger")).getSpec().getSelector().getMatchLabels())
                .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    }

    static void assertProbe(Probe probe, String path) {
        assertThat(probe).as(path).isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("management");
    }

    // --- reading the files ------------------------------------------------------------------------------------

    /** Sid -> actions of a policy document. */
    static Map<String, Set<String>> actions(JsonNode policy) {
        Map<String, Set<String>> bySid = new TreeMap<>();
        for (JsonNode statement : policy.path("Statement")) {
            bySid.put(statement.path("Sid").asText(), new TreeSet<>(strings(statement.path("Action"))));
        }
        return bySid;
    }

    static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        } else {
            out.add(node.asText());
        }
        return out;
    }

    /** The template with CloudFormation's short forms (!Ref X, !GetAtt A.B, !If [...]) read as their long forms. */
    static Map<String, Object> cloudFormation() throws IOException {
        return cloudFormation("cloudformation.yaml");
    }

    static Map<String, Object> cloudFormation(String file) throws IOException {
        class ShortForms extends SafeConstructor {
            ShortForms() {
                super(new LoaderOptions());
                yamlMultiConstructors.put("!", new AbstractConstruct() {
                    @Override
                    public Object construct(Node node) {
                        String fn = node.getTag().getValue().substring(1);
                        Object value = node instanceof ScalarNode s ? constructScalar(s)
                                : node instanceof SequenceNode q ? constructSequence(q)
                                : constructMapping((MappingNode) node);
                        if (fn.equals("GetAtt") && value instanceof String s) {
                            value = List.of(s.split("\\.", 2));
                        }
                        Map<String, Object> longForm = new LinkedHashMap<>();
                        longForm.put(fn.equals("Ref") || fn.equals("Condition") ? fn : "Fn::" + fn, value);
                        return longForm;
                    }
                });
            }
        }
        return new Yaml(new ShortForms()).load(Files.readString(DEPLOY.resolve(file)));
    }

    interface FunctionVisitor {
        void visit(String function, Object argument);
    }

    static void walk(Object node, FunctionVisitor visitor) {
        if (node instanceof Map<?, ?> m) {
            if (m.size() == 1) {
                var only = m.entrySet().iterator().next();
                visitor.visit(String.valueOf(only.getKey()), only.getValue());
            }
            m.values().forEach(v -> walk(v, visitor));
        } else if (node instanceof List<?> l) {
            l.forEach(v -> walk(v, visitor));
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }

    static final Map<String, Class<? extends KubernetesResource>> KINDS = Map.of(
            "Namespace", Namespace.class, "ServiceAccount", ServiceAccount.class, "ConfigMap", ConfigMap.class,
            "Deployment", Deployment.class, "PodDisruptionBudget", PodDisruptionBudget.class);

    static Map<String, KubernetesResource> kubernetes() throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        Map<String, KubernetesResource> objects = new LinkedHashMap<>();
        try (var docs = yaml.readerFor(JsonNode.class).readValues(DEPLOY.resolve("kubernetes.yaml").toFile())) {
            while (docs.hasNext()) {
                JsonNode doc = (JsonNode) docs.next();
                String kind = doc.path("kind").asText();
                assertThat(KINDS).as("kind " + kind).containsKey(kind);
                KubernetesResource object = yaml.treeToValue(doc, KINDS.get(kind));
                objects.put(kind + "/" + doc.path("metadata").path("name").asText(), object);
            }
        }
        return objects;
    }

    /**
     * fabric8's model keeps fields it does not know in additionalProperties instead of failing: any there is a field
     * the Kubernetes API does not have (a typo, a wrong nesting level).
     */
    static void unknownFields(Object node, String path, List<String> unknown) {
        if (node == null || node instanceof String || node instanceof Number || node instanceof Boolean || node instanceof Enum) {
            return;
        }
        if (node instanceof Collection<?> c) {
            int i = 0;
            for (Object item : c) {
                unknownFields(item, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (node instanceof Map<?, ?> m) {
            m.forEach((k, v) -> unknownFields(v, path + "." + k, unknown));
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(node);
            } catch (ReflectiveOperationException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                ((Map<?, ?>) value).keySet().forEach(k -> unknown.add(path + "." + k));
            } else if (!getter.getName().equals("getClass")) {
                unknownFields(value, path + "." + getter.getName().substring(3), unknown);
            }
        }
    }

    static String executable(String name, String... extraDirs) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of(extraDirs));
        for (String dir : dirs) {
            File f = new File(dir, name);
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        return null;
    }
}
